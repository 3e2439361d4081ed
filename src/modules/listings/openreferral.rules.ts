/**
 * Our catalogue as Open Referral UK (the UK profile of HSDS 3.0): listings are services, providers
 * organisations, the price a cost option, funding bodies' areas and postcode districts service
 * areas, the stated availability a weekly schedule, categories the terms of a published taxonomy.
 * Objects HSDS identifies that we do not store (cost options, areas, schedules, terms) get stable
 * name-based UUIDs. Pure: no I/O.
 */
import { nameBasedId } from "../../shared/ids";
import { RateType, Unit, type Weekday } from "../reference";
import { ListingSetting } from "./listing.enums";

export const ORUK_VERSION = "3.0";
export const ORUK_PROFILE = "https://github.com/openreferral/uk-profile";
export const ORUK_OPENAPI = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/openapi.json";
export const TAXONOMY_ID = nameBasedId("oruk:taxonomy", "service-categories");
export const DEFAULT_PER_PAGE = 50;
export const MAX_PER_PAGE = 500;

/** A feed row: one listing with what it shows of its provider, category and areas (one statement per page). */
export interface FeedRow {
  id: string;
  provider_id: string;
  category_code: string;
  title: string;
  description: string;
  unit: Unit;
  visit_minutes: number | null;
  rate_type: RateType;
  price_pence: number;
  setting: ListingSetting;
  group_capacity: number;
  available_days: Weekday[];
  available_from: string;
  available_to: string;
  updated_at: Date;
  provider_name: string;
  provider_description: string;
  postcode_districts: string[];
  cqc_location_id: string | null;
  category_name: string;
  /** The funding bodies it serves: [{ code, name }]. */
  areas: { code: string; name: string }[];
}

export interface CategoryRow {
  code: string;
  name: string;
  purpose: string;
  regulated: boolean;
}

export const termIdOf = (categoryCode: string) => nameBasedId("oruk:taxonomy_term", categoryCode);
const derived = (kind: string, ...parts: string[]) => nameBasedId(`oruk:${kind}`, parts.join("/"));

const UNIT_WORDS: Record<Unit, string> = {
  [Unit.HOUR]: "hour",
  [Unit.VISIT]: "visit",
  [Unit.SESSION]: "session",
  [Unit.HALF_DAY]: "half day",
  [Unit.DAY]: "day",
  [Unit.NIGHT]: "night",
  [Unit.WEEK]: "week",
  [Unit.ITEM]: "item",
};
const RATE_WORDS: Record<RateType, string> = {
  [RateType.STANDARD]: "standard rate",
  [RateType.EVENING]: "evening rate",
  [RateType.WEEKEND]: "weekend rate",
  [RateType.BANK_HOLIDAY]: "bank holiday rate",
  [RateType.SLEEP_IN]: "sleep-in rate",
  [RateType.WAKING_NIGHT]: "waking night rate",
  [RateType.LIVE_IN]: "live-in rate",
};

/** "per 45-minute visit, standard rate". */
export function amountDescription(row: Pick<FeedRow, "unit" | "visit_minutes" | "rate_type">): string {
  const unit =
    row.visit_minutes !== null && (row.unit === Unit.VISIT || row.unit === Unit.SESSION)
      ? `${row.visit_minutes}-minute ${UNIT_WORDS[row.unit]}`
      : UNIT_WORDS[row.unit];
  return `per ${unit}, ${RATE_WORDS[row.rate_type]}`;
}

/** The one-to-one fields of a service (service_list.json), with its organisation. */
export function serviceSummary(row: FeedRow) {
  return {
    id: row.id,
    organization_id: row.provider_id,
    name: row.title,
    description: row.description || `${row.category_name} from ${row.provider_name}.`,
    status: "active",
    last_modified: new Date(row.updated_at).toISOString(),
    organization: { id: row.provider_id, name: row.provider_name, description: row.provider_description || row.provider_name },
  };
}

/** A full service (service.json). */
export function service(row: FeedRow) {
  const summary = serviceSummary(row);
  return {
    ...summary,
    cost_options: [
      {
        id: derived("cost_option", row.id),
        service_id: row.id,
        option: row.group_capacity > 1 ? `Group session, up to ${row.group_capacity} people` : "Personal budget or self-funded",
        amount: row.price_pence / 100,
        amount_description: amountDescription(row),
      },
    ],
    service_areas: serviceAreas(row),
    schedules: [schedule(row)],
    attributes: [
      {
        id: derived("attribute", row.id, row.category_code),
        link_id: row.id,
        link_type: "service",
        taxonomy_term_id: termIdOf(row.category_code),
        taxonomy_term: {
          id: termIdOf(row.category_code),
          name: row.category_name,
          description: row.category_name,
          taxonomy_id: TAXONOMY_ID,
          term: row.category_code,
        },
      },
    ],
    service_at_locations: [serviceAtLocation(row)],
    languages: [],
    contacts: [],
    funding: [],
  };
}

function serviceAreas(row: FeedRow) {
  if (row.setting === ListingSetting.REMOTE) {
    return [
      {
        id: derived("service_area", row.id, "remote"),
        service_id: row.id,
        name: "Remote (online or by phone)",
        service_area: "Delivered remotely, wherever the person lives.",
      },
    ];
  }
  return [
    ...row.areas.map((a) => ({
      id: derived("service_area", row.id, a.code),
      service_id: row.id,
      name: a.name,
      service_area: a.name,
      uri: `https://statistics.data.gov.uk/id/statistical-geography/${a.code}`,
    })),
    ...row.postcode_districts.map((d) => ({
      id: derived("service_area", row.id, d),
      service_id: row.id,
      name: `${d} postcode district`,
      service_area: `${d} postcode district`,
      extent_type: "text",
      extent: d,
    })),
  ];
}

/** The stated availability, RRULE-style: weekly on its days, between its hours (Europe/London). */
function schedule(row: FeedRow) {
  // An enum array may arrive as its text form ("{MO,TU}") where no array parser is registered for its type.
  const days = typeof row.available_days === "string" ? (row.available_days as string).replace(/[{}]/g, "").split(",").filter(Boolean) : row.available_days;
  const closes = row.available_to === "24:00" ? "23:59" : row.available_to;
  return {
    id: derived("schedule", row.id),
    service_id: row.id,
    freq: "WEEKLY",
    interval: 1,
    byday: days.join(","),
    opens_at: row.available_from,
    closes_at: closes,
    attending_type: row.setting === ListingSetting.REMOTE ? "online" : row.setting === ListingSetting.HOME ? "at home" : "in person",
    description: `Available ${days.join(", ")} ${row.available_from}–${closes} (Europe/London); book through the marketplace.`,
  };
}

/** Where it is delivered: virtual when remote; otherwise the provider's (un-addressed) base. */
export function serviceAtLocation(row: FeedRow) {
  const remote = row.setting === ListingSetting.REMOTE;
  return {
    id: derived("service_at_location", row.id),
    service_id: row.id,
    location_id: derived("location", row.provider_id, remote ? "virtual" : "base"),
    location: {
      id: derived("location", row.provider_id, remote ? "virtual" : "base"),
      location_type: remote ? "virtual" : "physical",
      name: remote ? `${row.provider_name} (remote)` : row.provider_name,
      description:
        row.setting === ListingSetting.HOME
          ? "Delivered in the person's own home."
          : `Delivered ${row.setting === ListingSetting.CARE_HOME ? "in a care home" : "in the community"}.`,
      ...(row.cqc_location_id ? { external_identifier: row.cqc_location_id, external_identifier_type: "CQC location ID" } : {}),
    },
  };
}

export function taxonomy() {
  return {
    id: TAXONOMY_ID,
    name: "Personal budget service categories",
    description: "The categories of support this marketplace lists, as personal and personal health budgets buy them.",
    version: "1",
  };
}

export function taxonomyTerm(category: CategoryRow) {
  const purpose = category.purpose === "LIFE_SUSTAINING" ? "life-sustaining" : "life-improving";
  return {
    id: termIdOf(category.code),
    name: category.name,
    description: `${category.name}: ${purpose} support${category.regulated ? ", regulated by the Care Quality Commission" : ""}.`,
    taxonomy_id: TAXONOMY_ID,
    term: category.code,
  };
}

/** The HSDS page around `contents`. */
export function page<T>(contents: T[], total: number, pageNumber: number, perPage: number) {
  const totalPages = Math.max(1, Math.ceil(total / perPage));
  return {
    total_items: total,
    total_pages: totalPages,
    page_number: pageNumber,
    size: contents.length,
    first_page: pageNumber === 1,
    last_page: pageNumber >= totalPages,
    empty: contents.length === 0,
    contents,
  };
}

/** The outward code of a full postcode or a district: "SW19 2AB" → "SW19". */
export function districtOf(postcode: string): string {
  const compact = postcode.toUpperCase().replace(/\s+/g, "");
  return compact.length > 4 && /\d[A-Z]{2}$/.test(compact) ? compact.slice(0, -3) : compact;
}
