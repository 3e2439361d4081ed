/**
 * The demo's CQC register: the locations of the demo providers, written in the columns of CQC's
 * "HSCA Active Locations" CSV (a subset of its columns, in its order) and read back by the same
 * parser as a real download, so the demo exercises the import's format.
 */
import type { ProviderView } from "../modules/providers";
import { CQC_COLUMNS, ProviderKind, REGULATED_ACTIVITY_PREFIX } from "../modules/providers";

export const HSCA_COLUMNS = [
  CQC_COLUMNS.id,
  "Location ODS Code",
  CQC_COLUMNS.name,
  "Location Telephone Number",
  "Care home?",
  "Location Type/Sector",
  "Location Inspection Directorate",
  "Location Primary Inspection Category",
  CQC_COLUMNS.rating,
  "Publication Date",
  "Inherited Rating (Y/N)",
  "Location Region",
  "Location Local Authority",
  "Location Street Address",
  "Location City",
  CQC_COLUMNS.postcode,
  CQC_COLUMNS.startDate,
  CQC_COLUMNS.dormant,
  "Care homes beds",
  `${REGULATED_ACTIVITY_PREFIX}Accommodation for persons who require nursing or personal care`,
  `${REGULATED_ACTIVITY_PREFIX}Personal care`,
  "Service type - Domiciliary care service",
  "Service type - Care home service without nursing",
  "Service user band - Older People",
  "Provider ID",
  "Provider Name",
];

const RATING_TEXT: Record<string, string> = {
  OUTSTANDING: "Outstanding",
  GOOD: "Good",
  REQUIRES_IMPROVEMENT: "Requires improvement",
  INADEQUATE: "Inadequate",
};

function cell(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The register rows of the providers that have a CQC location, as CQC's CSV. */
export function registerCsvOf(providers: readonly ProviderView[]): string {
  const lines = [HSCA_COLUMNS.join(",")];
  providers.forEach((p, i) => {
    if (!p.cqcLocationId) return;
    const careHome = p.kind === ProviderKind.CARE_HOME;
    const district = p.postcodeDistricts[0] ?? "SW19";
    const row = [
      p.cqcLocationId,
      "",
      p.name,
      "02089460000",
      careHome ? "Y" : "N",
      "Social Care Org",
      "Adult social care",
      careHome ? "Residential social care" : "Community based adult social care services",
      p.cqcRating ? RATING_TEXT[p.cqcRating] : "Not yet rated",
      "14/03/2025",
      "N",
      "London",
      "Merton",
      `${1 + (i % 90)} High Street`,
      "London",
      `${district} ${1 + (i % 9)}AB`,
      "01/10/2010",
      "N",
      careHome ? "40" : "0",
      careHome ? "Y" : "",
      careHome ? "" : "Y",
      careHome ? "" : "Y",
      careHome ? "Y" : "",
      "Y",
      `1-${String(200000000 + i)}`,
      p.name,
    ];
    lines.push(row.map(cell).join(","));
  });
  return `${lines.join("\r\n")}\r\n`;
}
