/**
 * A plausible catalogue of providers and listings, generated from a seed: the demo data of
 * `npm start` (scale 1) and the large catalogue of `npm run bench`. Prices follow DOMAIN.md:
 * PAs £13–24/h, agencies £20–30/h, Merton-style visit rates, care homes around £949/£1,267 a week.
 */
import { ListingSetting, type ListingView } from "../modules/listings";
import { CqcRating, ProviderKind, type ProviderView } from "../modules/providers";
import { RateType, Unit, Weekday } from "../modules/reference";

const ALL_DAYS = Object.values(Weekday);
import { newId } from "../shared/ids";

export const MERTON = "E09000024";
const MERTON_DISTRICTS = ["SW19", "SW20", "CR4", "SM4", "SW17", "SW16", "SM3"];
const OTHER_AREAS: { code: string; districts: string[] }[] = [
  { code: "E10000018", districts: ["LE1", "LE2", "LE3", "LE4", "LE5"] },
  { code: "E10000025", districts: ["OX1", "OX2", "OX3", "OX4"] },
  { code: "E10000012", districts: ["CM1", "CM2", "CO1", "SS1"] },
];

interface ListingTemplate {
  category: string;
  title: string;
  description: string;
  unit: Unit;
  /** Price range in pence per unit. */
  price: [number, number];
  visitMinutes?: number;
  rateType?: RateType;
  setting?: ListingSetting;
  groupCapacity?: number;
}

interface ProviderTemplate {
  kind: ProviderKind;
  names: string[];
  regulated: boolean;
  description: string;
  listings: ListingTemplate[];
}

const hour = (category: string, title: string, description: string, price: [number, number], extra: Partial<ListingTemplate> = {}): ListingTemplate => ({
  category,
  title,
  description,
  unit: Unit.HOUR,
  price,
  ...extra,
});

const TEMPLATES: ProviderTemplate[] = [
  {
    kind: ProviderKind.HOME_CARE_AGENCY,
    names: [
      "Wimbledon Home Care",
      "Mitcham Care Partners",
      "Morden Homecare",
      "Colliers Wood Care",
      "Raynes Park Carers",
      "Abbey Care at Home",
      "Wandle Valley Care",
      "Merton Community Care",
    ],
    regulated: true,
    description: "Registered home care agency: trained carers, an out-of-hours line and care plans reviewed with you.",
    listings: [
      hour("PERSONAL_CARE", "Personal care at home", "Washing, dressing, continence care, medication prompts and meals.", [2000, 3000]),
      {
        category: "PERSONAL_CARE",
        title: "30-minute care visit",
        description: "A short call: medication, a meal, a check that all is well.",
        unit: Unit.VISIT,
        visitMinutes: 30,
        price: [1150, 1500],
      },
      {
        category: "PERSONAL_CARE",
        title: "45-minute care visit",
        description: "Morning or evening routine with time to talk.",
        unit: Unit.VISIT,
        visitMinutes: 45,
        price: [1500, 2150],
      },
      hour("NIGHT_CARE", "Sleep-in night support", "A carer sleeps in and helps during the night when needed.", [1400, 1800], { rateType: RateType.SLEEP_IN }),
      {
        category: "LIVE_IN_CARE",
        title: "Live-in carer",
        description: "A carer living in your home around the clock.",
        unit: Unit.WEEK,
        price: [110000, 150000],
        rateType: RateType.LIVE_IN,
      },
      hour("PERSONAL_CARE", "Weekend personal care", "Personal care on Saturdays and Sundays.", [2300, 3300], { rateType: RateType.WEEKEND }),
    ],
  },
  {
    kind: ProviderKind.PERSONAL_ASSISTANT,
    names: [
      "Amara Okafor",
      "Tomasz Nowak",
      "Priya Shah",
      "Grace Mensah",
      "Daniel Hughes",
      "Fatima Begum",
      "Sean O'Brien",
      "Lucy Chen",
      "Kwame Asante",
      "Maria Santos",
      "Ellie Parker",
      "Yusuf Ali",
    ],
    regulated: false,
    description: "Self-employed personal assistant: support at home and out and about, at times that suit you.",
    listings: [
      hour("PA_SUPPORT", "Personal assistant support", "Help at home, shopping, appointments and getting out.", [1300, 2400]),
      hour("PA_SUPPORT", "Evening PA support", "Support in the evenings, including social activities.", [1500, 2500], { rateType: RateType.EVENING }),
      hour("TRANSPORT", "Driving to appointments", "I drive you to appointments and wait with you.", [1400, 2000], { setting: ListingSetting.COMMUNITY }),
      hour("DOMESTIC", "Help around the house", "Light cleaning, laundry and changing beds.", [1300, 1800]),
    ],
  },
  {
    kind: ProviderKind.CARE_HOME,
    names: ["Cannizaro Lodge", "The Chestnuts Care Home", "Merton Park Nursing Home"],
    regulated: true,
    description: "Residential and nursing care home with respite beds and a full activities programme.",
    listings: [
      {
        category: "RESIDENTIAL_CARE",
        title: "Residential care place",
        description: "A room, meals and 24-hour care.",
        unit: Unit.WEEK,
        price: [90000, 110000],
        setting: ListingSetting.CARE_HOME,
      },
      {
        category: "NURSING",
        title: "Nursing care place",
        description: "A room with 24-hour nursing care.",
        unit: Unit.WEEK,
        price: [120000, 140000],
        setting: ListingSetting.CARE_HOME,
      },
      {
        category: "RESPITE",
        title: "Respite stay",
        description: "A short stay to give you and your carers a break.",
        unit: Unit.NIGHT,
        price: [15000, 19000],
        setting: ListingSetting.CARE_HOME,
      },
    ],
  },
  {
    kind: ProviderKind.DAY_SERVICE,
    names: ["Wandle Day Centre", "Morden Friendship Club", "Mitcham Day Opportunities", "Merton Wellbeing Hub"],
    regulated: false,
    description: "Day opportunities: activities, lunch and company, with transport on request.",
    listings: [
      {
        category: "DAY_SERVICE",
        title: "Day at the centre",
        description: "Activities, a hot lunch and transport.",
        unit: Unit.DAY,
        price: [4000, 5500],
        setting: ListingSetting.COMMUNITY,
      },
      {
        category: "DAY_SERVICE",
        title: "Half day session",
        description: "A morning or afternoon of activities.",
        unit: Unit.HALF_DAY,
        price: [1600, 2600],
        setting: ListingSetting.COMMUNITY,
      },
      {
        category: "TRANSPORT",
        title: "Minibus to and from the centre",
        description: "Door-to-door accessible minibus.",
        unit: Unit.ITEM,
        price: [600, 1200],
        setting: ListingSetting.COMMUNITY,
      },
    ],
  },
  {
    kind: ProviderKind.CHARITY,
    names: ["Age Friendly Merton", "Wimbledon Befriending", "Carers Support Merton", "Morden Men's Shed"],
    regulated: false,
    description: "Local charity: volunteers and staff supporting older and disabled people in the community.",
    listings: [
      {
        category: "SOCIAL_LEISURE",
        title: "Lunch club",
        description: "A two-course lunch and company, weekly.",
        unit: Unit.SESSION,
        price: [500, 900],
        setting: ListingSetting.COMMUNITY,
        groupCapacity: 20,
      },
      {
        category: "SOCIAL_LEISURE",
        title: "Accompanied trip to a match",
        description: "A volunteer goes with you to a football match.",
        unit: Unit.SESSION,
        price: [1500, 3000],
        setting: ListingSetting.COMMUNITY,
      },
      hour("RESPITE", "Sitting service for carers", "A trained sitter stays so your carer can take a break.", [1200, 1800]),
      {
        category: "SOCIAL_LEISURE",
        title: "Befriending calls",
        description: "A friendly weekly phone or video call.",
        unit: Unit.SESSION,
        price: [300, 800],
        setting: ListingSetting.REMOTE,
      },
    ],
  },
  {
    kind: ProviderKind.MICRO_ENTERPRISE,
    names: ["Kind Hands Community Care", "Little Help Co", "Neighbourly Support CIC", "Homeshare Helpers", "Good Company Care"],
    regulated: false,
    description: "Community micro-enterprise: a small team of local people offering flexible support.",
    listings: [
      hour("PA_SUPPORT", "Community support worker", "Flexible support at home and in the community.", [1500, 1950]),
      hour("DOMESTIC", "Cleaning and household help", "Regular cleaning, laundry and ironing.", [1400, 1900]),
      hour("GARDENING", "Garden tidy", "Mowing, weeding and keeping paths safe.", [1600, 2200]),
    ],
  },
  {
    kind: ProviderKind.BUSINESS,
    names: [
      "Sparkle Cleaning",
      "Green Thumbs Gardening",
      "Fixit Handyperson",
      "Soothe Mobile Massage",
      "Active Living Gym",
      "Careline Alarms",
      "Ability Mobility Store",
      "Wimbledon Physio",
    ],
    regulated: false,
    description: "Local business serving older and disabled customers.",
    listings: [
      hour("DOMESTIC", "Home cleaning", "A thorough weekly or fortnightly clean.", [1400, 2000]),
      hour("GARDENING", "Gardening", "Lawns, hedges and borders, seasonal clear-ups.", [1800, 2500]),
      hour("HANDYPERSON", "Handyperson and small adaptations", "Grab rails, key safes, small repairs.", [2500, 4000]),
      {
        category: "THERAPY",
        title: "Massage session (60 minutes)",
        description: "Relaxing massage at home or in your care home.",
        unit: Unit.SESSION,
        visitMinutes: 60,
        price: [3500, 6000],
      },
      {
        category: "THERAPY",
        title: "Group chair massage in care homes",
        description: "Seated massage for residents, up to 6 per session.",
        unit: Unit.SESSION,
        visitMinutes: 90,
        price: [8000, 12000],
        setting: ListingSetting.CARE_HOME,
        groupCapacity: 6,
      },
      {
        category: "SOCIAL_LEISURE",
        title: "Gym membership with a trainer",
        description: "Accessible gym and a monthly trainer session.",
        unit: Unit.ITEM,
        price: [2500, 4500],
        setting: ListingSetting.COMMUNITY,
      },
      {
        category: "EQUIPMENT",
        title: "Personal alarm with monitoring",
        description: "Pendant alarm and a 24-hour response line, monthly.",
        unit: Unit.ITEM,
        price: [1500, 2500],
        setting: ListingSetting.REMOTE,
      },
      hour("THERAPY", "Physiotherapy at home", "Assessment and exercises with a chartered physiotherapist.", [4500, 7000]),
    ],
  },
];

const RATINGS = [CqcRating.OUTSTANDING, CqcRating.GOOD, CqcRating.GOOD, CqcRating.GOOD, CqcRating.REQUIRES_IMPROVEMENT];

/** A small deterministic PRNG (mulberry32): the same seed gives the same catalogue. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Rows for the providers and listings tables (bulk-inserted by table name: demo-data.ts). */
export interface Catalogue {
  providers: ProviderView[];
  listings: ListingView[];
}

export interface CatalogueOptions {
  /** Copies of the roster of 44 providers. Round 1 serves Merton; later ones spread over other areas. */
  rounds?: number;
  /** Listings per provider; by default 3 to 5 of the provider's kind of offers. */
  listingsPerProvider?: number;
  seed?: number;
  /** When every row was created and last updated. */
  now?: Date;
}

/** The seeded draws of one catalogue, taken in a fixed order so that a seed always makes the same one. */
interface Draws {
  rand: () => number;
  pick: <T>(items: T[]) => T;
  between: (range: [number, number]) => number;
  nextCqcLocationId: () => string;
}

export function generateCatalogue({ rounds = 1, listingsPerProvider, seed = 2024, now = new Date() }: CatalogueOptions = {}): Catalogue {
  const draws = drawsOf(seed);
  const providers: ProviderView[] = [];
  const listings: ListingView[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const template of TEMPLATES) {
      for (const baseName of template.names) {
        const provider = providerOf(template, round === 1 ? baseName : `${baseName} ${round}`, round, draws, now);
        providers.push(provider);
        const shuffled = [...template.listings].sort(() => draws.rand() - 0.5);
        const count = listingsPerProvider ?? Math.min(shuffled.length, 3 + Math.floor(draws.rand() * 3));
        for (let i = 0; i < count; i++) listings.push(listingOf(provider, shuffled[i % shuffled.length], draws, now));
      }
    }
  }
  return { providers, listings };
}

function drawsOf(seed: number): Draws {
  const rand = random(seed);
  let cqc = 100_000_000;
  return {
    rand,
    pick: (items) => items[Math.floor(rand() * items.length)],
    between: ([low, high]) => Math.round((low + rand() * (high - low)) / 5) * 5,
    nextCqcLocationId: () => `1-${++cqc}`,
  };
}

function providerOf(template: ProviderTemplate, name: string, round: number, { rand, pick, nextCqcLocationId }: Draws, now: Date): ProviderView {
  const area = round === 1 || rand() < 0.3 ? { code: MERTON, districts: MERTON_DISTRICTS } : pick(OTHER_AREAS);
  const districts = area.districts.filter(() => rand() < 0.6);
  return {
    id: newId(),
    name,
    kind: template.kind,
    description: template.description,
    cqcLocationId: template.regulated ? nextCqcLocationId() : null,
    cqcRating: template.regulated ? pick(RATINGS) : null,
    serviceAreas: [area.code],
    postcodeDistricts: districts.length ? districts : [area.districts[0]],
    verified: rand() < 0.8,
    createdAt: now,
    updatedAt: now,
  };
}

function listingOf(provider: ProviderView, offer: ListingTemplate, { rand, between }: Draws, now: Date): ListingView {
  const dayService = provider.kind === ProviderKind.DAY_SERVICE;
  // Night and live-in care happen outside the working day (their time bands, rule 12): available round the clock.
  const roundTheClock = offer.rateType === RateType.SLEEP_IN || offer.rateType === RateType.WAKING_NIGHT || offer.rateType === RateType.LIVE_IN;
  return {
    id: newId(),
    providerId: provider.id,
    categoryCode: offer.category,
    title: offer.title,
    description: offer.description,
    unit: offer.unit,
    visitMinutes: offer.visitMinutes ?? null,
    rateType: offer.rateType ?? RateType.STANDARD,
    pricePence: between(offer.price),
    setting: offer.setting ?? ListingSetting.HOME,
    groupCapacity: offer.groupCapacity ?? 1,
    weeklyCapacityUnits: provider.kind === ProviderKind.PERSONAL_ASSISTANT ? 30 + Math.floor(rand() * 15) : null,
    availableDays: ALL_DAYS,
    availableFrom: roundTheClock ? "00:00" : dayService ? "09:00" : "07:00",
    availableTo: roundTheClock ? "24:00" : dayService ? "17:00" : "22:00",
    active: rand() > 0.03,
    createdAt: now,
    updatedAt: now,
  };
}
