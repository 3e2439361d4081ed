/**
 * The Care Quality Commission's public register of active locations ("HSCA Active Locations", the
 * CSV of cqc.org.uk's "Using CQC data" page): parsing it, and what an import changes. Pure: no I/O.
 * Only the columns below are read; the file's others (about 100: addresses, inspection categories,
 * service types, user bands) are ignored, so the full download imports as it is.
 */
import { UserErrorCode, type UserErrorData } from "../../shared/errors";
import { isValidText } from "../../shared/validation";
import { CqcLocationStatus, CqcRating } from "./provider.enums";

export const CQC_COLUMNS = {
  id: "Location ID",
  name: "Location Name",
  postcode: "Location Postal Code",
  dormant: "Dormant (Y/N)",
  rating: "Location Latest Overall Rating",
  startDate: "Location HSCA start date",
} as const;
/** Each regulated activity is a column "Regulated activity - <name>" holding Y or blank. */
export const REGULATED_ACTIVITY_PREFIX = "Regulated activity - ";

const REQUIRED = [CQC_COLUMNS.id, CQC_COLUMNS.name, CQC_COLUMNS.postcode, CQC_COLUMNS.dormant, CQC_COLUMNS.rating];
const LOCATION_ID = /^1-\d{6,12}$/;
const RATINGS: Record<string, CqcRating> = {
  outstanding: CqcRating.OUTSTANDING,
  good: CqcRating.GOOD,
  "requires improvement": CqcRating.REQUIRES_IMPROVEMENT,
  inadequate: CqcRating.INADEQUATE,
};

/** A location as the register states it. */
export interface RegisterLocation {
  locationId: string;
  name: string;
  postcode: string | null;
  status: CqcLocationStatus.REGISTERED | CqcLocationStatus.DORMANT;
  rating: CqcRating | null;
  regulatedActivities: string[];
  registeredOn: string | null;
}

/** A location as stored. */
export interface StoredLocation extends Omit<RegisterLocation, "status"> {
  status: CqcLocationStatus;
}

export function isActiveLocation(location: { status: CqcLocationStatus } | null | undefined): boolean {
  return location?.status === CqcLocationStatus.REGISTERED;
}

/** "Good" → GOOD; "Not yet rated", "Insufficient evidence to rate" and blanks → null. */
export function ratingOf(text: string): CqcRating | null {
  return RATINGS[text.trim().toLowerCase()] ?? null;
}

/** The register's dates are dd/mm/yyyy (or ISO): an ISO date, or null. */
export function registerDate(text: string): string | null {
  const value = text.trim();
  const uk = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(value);
  const iso = uk ? `${uk[3]}-${uk[2]}-${uk[1]}` : /^\d{4}-\d{2}-\d{2}/.exec(value)?.[0];
  if (!iso) return null;
  const date = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso ? null : iso;
}

/**
 * The locations of a register file. Lines before the header (the download has a title row) are
 * skipped; errors name the line (`field: ["csv", line]`).
 */
export function parseRegister(records: { line: number; cells: string[] }[]): { locations: RegisterLocation[]; errors: UserErrorData[] } {
  const errors: UserErrorData[] = [];
  const headerAt = records.findIndex((r) => r.cells.some((c) => c.trim() === CQC_COLUMNS.id));
  if (headerAt < 0) {
    return {
      locations: [],
      errors: [
        { code: UserErrorCode.INVALID_VALUE, message: `No header row with "${CQC_COLUMNS.id}": is this CQC's HSCA active locations CSV?`, field: ["csv"] },
      ],
    };
  }
  const header = records[headerAt].cells.map((c) => c.trim());
  const missing = REQUIRED.filter((column) => !header.includes(column));
  if (missing.length) {
    const line = records[headerAt].line;
    return {
      locations: [],
      errors: [
        { code: UserErrorCode.INVALID_VALUE, message: `Line ${line}: the header lacks ${missing.map((m) => `"${m}"`).join(", ")}.`, field: ["csv", line] },
      ],
    };
  }
  const at = (column: string) => header.indexOf(column);
  const activities = header.flatMap((column, i) =>
    column.startsWith(REGULATED_ACTIVITY_PREFIX) ? [{ i, name: column.slice(REGULATED_ACTIVITY_PREFIX.length).trim() }] : [],
  );
  const seen = new Map<string, number>();
  const locations: RegisterLocation[] = [];
  for (const { line, cells } of records.slice(headerAt + 1)) {
    const cell = (column: string) => (at(column) >= 0 ? (cells[at(column)] ?? "").trim() : "");
    const problem = (message: string) => errors.push({ code: UserErrorCode.INVALID_VALUE, message: `Line ${line}: ${message}`, field: ["csv", line] });
    const locationId = cell(CQC_COLUMNS.id);
    const name = cell(CQC_COLUMNS.name);
    if (!LOCATION_ID.test(locationId)) {
      problem(`"${locationId}" is not a CQC location ID (like 1-123456789).`);
      continue;
    }
    if (seen.has(locationId)) {
      problem(`location ${locationId} is also on line ${seen.get(locationId)}.`);
      continue;
    }
    seen.set(locationId, line);
    if (!name || name.length > 300 || !isValidText(name)) {
      problem(`location ${locationId} needs a name of at most 300 characters.`);
      continue;
    }
    const dormant = cell(CQC_COLUMNS.dormant).toUpperCase();
    if (dormant !== "Y" && dormant !== "N") {
      problem(`"${CQC_COLUMNS.dormant}" is Y or N.`);
      continue;
    }
    const postcode = cell(CQC_COLUMNS.postcode).toUpperCase().replace(/\s+/g, " ");
    locations.push({
      locationId,
      name,
      postcode: postcode && postcode.length <= 10 ? postcode : null,
      status: dormant === "Y" ? CqcLocationStatus.DORMANT : CqcLocationStatus.REGISTERED,
      rating: ratingOf(cell(CQC_COLUMNS.rating)),
      regulatedActivities: activities.filter(({ i }) => (cells[i] ?? "").trim().toUpperCase() === "Y").map(({ name: activity }) => activity.slice(0, 200)),
      registeredOn: registerDate(cell(CQC_COLUMNS.startDate)),
    });
  }
  return { locations, errors };
}

export type RegisterChangeKind = "ADDED" | "CHANGED" | "DEREGISTERED";

export interface RegisterPlan {
  /** Rows to write: new, changed, or registered again. */
  upserts: RegisterLocation[];
  /** Ids in the store, active or dormant, that the file no longer lists. */
  deregistered: string[];
  unchanged: number;
  changes: { locationId: string; name: string; kind: RegisterChangeKind; status: CqcLocationStatus }[];
}

/** What importing a full register over the stored one changes. Re-importing the same file changes nothing. */
export function planRegisterImport(stored: StoredLocation[], file: RegisterLocation[]): RegisterPlan {
  const before = new Map(stored.map((l) => [l.locationId, l]));
  const plan: RegisterPlan = { upserts: [], deregistered: [], unchanged: 0, changes: [] };
  const inFile = new Set<string>();
  for (const location of file) {
    inFile.add(location.locationId);
    const old = before.get(location.locationId);
    if (old && sameLocation(old, location)) {
      plan.unchanged++;
      continue;
    }
    plan.upserts.push(location);
    plan.changes.push({ locationId: location.locationId, name: location.name, kind: old ? "CHANGED" : "ADDED", status: location.status });
  }
  for (const old of stored) {
    if (inFile.has(old.locationId) || old.status === CqcLocationStatus.DEREGISTERED) continue;
    plan.deregistered.push(old.locationId);
    plan.changes.push({ locationId: old.locationId, name: old.name, kind: "DEREGISTERED", status: CqcLocationStatus.DEREGISTERED });
  }
  return plan;
}

function sameLocation(a: StoredLocation, b: RegisterLocation): boolean {
  return (
    a.name === b.name &&
    a.postcode === b.postcode &&
    a.status === b.status &&
    a.rating === b.rating &&
    a.registeredOn === b.registeredOn &&
    a.regulatedActivities.join("\n") === b.regulatedActivities.join("\n")
  );
}
