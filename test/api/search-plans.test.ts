/**
 * Over 100,000 listings and 10,000 providers, the catalogue search is served by indexes: no
 * sequential scan in the plan of any representative search (the plans PostgreSQL really chooses,
 * with statistics, for the statements the API really sends).
 */
import type { DataSource } from "typeorm";
import { createDataSource } from "../../ormconfig";
import { ListingOrder } from "../../src/modules/listings";
import { ListingEntity } from "../../src/modules/listings/listing.entity";
import type { ListingFilter } from "../../src/modules/listings/listing.inputs";
import { countStatement, searchStatement } from "../../src/modules/listings/listing.queries";
import { ReferenceRateEntity } from "../../src/modules/pricing/reference-rate.entity";
import { ProviderEntity } from "../../src/modules/providers/provider.entity";
import { selectColumns } from "../../src/shared/db";
import { encodeCursor } from "../../src/shared/pagination";
import { scratchDatabaseUrl } from "../support/db";

const MERTON = "E09000024";

async function seed(db: DataSource): Promise<void> {
  await db.query(`
    INSERT INTO providers (id, name, kind, cqc_location_id, cqc_rating, service_areas, postcode_districts, verified)
    SELECT gen_random_uuid(), 'Provider ' || g, (enum_range(NULL::provider_kind))[1 + g % 7],
           CASE WHEN g % 3 = 0 THEN '1-' || (100000000 + g) END,
           CASE WHEN g % 3 = 0 THEN (enum_range(NULL::cqc_rating))[1 + g % 4] END,
           ARRAY[(ARRAY['E09000024', 'E10000018', 'E10000025', 'E10000012', 'QWE'])[1 + g % 5]]::varchar[],
           ARRAY[(ARRAY['SW19', 'CR4', 'LE1', 'OX1', 'CM1', 'SM4', 'SW20'])[1 + g % 7]]::varchar[], g % 4 <> 0
    FROM generate_series(1, 10000) g`);
  await db.query(`
    WITH numbered AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM providers),
         categories AS (SELECT array_agg(code ORDER BY sort_order) AS codes FROM service_categories)
    INSERT INTO listings (id, provider_id, category_code, title, description, unit, price_pence, setting, active)
    SELECT gen_random_uuid(), numbered.id, categories.codes[1 + g % 15],
           (ARRAY['Home care', 'Gardening help', 'Cleaning', 'Personal assistant', 'Massage session'])[1 + g % 5] || ' ' || g,
           (ARRAY['Help with washing and dressing', 'Mowing and weeding', 'Weekly clean', 'Shopping and outings', 'Relaxing massage'])[1 + g % 5],
           'HOUR', 1000 + (g * 37) % 3000, (enum_range(NULL::listing_setting))[1 + g % 4], g % 20 <> 0
    FROM generate_series(1, 100000) g CROSS JOIN categories JOIN numbered ON numbered.n = 1 + g % 10000`);
  await db.query(`INSERT INTO reference_rates (id, funding_body_code, category_code, unit, rate_type, rate_pence, valid_from, source_kind, source)
    SELECT gen_random_uuid(), 'E09000024', code, 'HOUR', 'STANDARD', 1955, '2023-08-21', 'COUNCIL_DP_RATE', 'test' FROM service_categories`);
  await db.query("VACUUM ANALYZE providers");
  await db.query("VACUUM ANALYZE listings");
}

const SEARCHES: [string, ListingFilter, ListingOrder][] = [
  ["everything, cheapest first", {}, ListingOrder.PRICE_ASC],
  ["a category in Merton", { categoryCodes: ["PA_SUPPORT"], fundingBodyCode: MERTON }, ListingOrder.PRICE_ASC],
  ["two categories, dearest first", { categoryCodes: ["PERSONAL_CARE", "NIGHT_CARE"] }, ListingOrder.PRICE_DESC],
  ["newest in Merton", { fundingBodyCode: MERTON }, ListingOrder.NEWEST],
  ["a postcode district under a price", { postcodeDistrict: "SW19", maxPricePence: 1500 }, ListingOrder.PRICE_ASC],
  ["good agencies in Merton", { fundingBodyCode: MERTON, providerKinds: ["HOME_CARE_AGENCY"] as never, minCqcRating: "GOOD" as never }, ListingOrder.PRICE_ASC],
  ["care home settings", { settings: ["CARE_HOME"] as never }, ListingOrder.PRICE_ASC],
  ["words", { text: "massage" }, ListingOrder.PRICE_ASC],
  ["words in a category in Merton", { text: "mowing", categoryCodes: ["GARDENING"], fundingBodyCode: MERTON }, ListingOrder.PRICE_ASC],
  ["a category in Merton, biggest saving first", { categoryCodes: ["PA_SUPPORT"], fundingBodyCode: MERTON }, ListingOrder.SAVING_DESC],
];

describe("search plans over 100,000 listings", () => {
  let db: DataSource;
  beforeAll(async () => {
    db = createDataSource({ url: await scratchDatabaseUrl("plans", "template"), poolSize: 2 });
    await db.initialize();
    await db.query("TRUNCATE listings, providers CASCADE");
    await seed(db);
  });
  afterAll(async () => {
    await db?.destroy();
  });

  async function plan(sql: string, params: unknown[]): Promise<string> {
    const rows: { "QUERY PLAN": string }[] = await db.query(`EXPLAIN ${sql}`, params);
    return rows.map((r) => r["QUERY PLAN"]).join("\n");
  }

  const columns = () => ({
    always: `${selectColumns(db.getMetadata(ListingEntity), "l")}, ${selectColumns(db.getMetadata(ProviderEntity), "p")}`,
    rates: selectColumns(db.getMetadata(ReferenceRateEntity), "r"),
  });

  it.each(SEARCHES)("%s: a page uses indexes only", async (_name, filter, order) => {
    const { sql, params } = searchStatement(columns(), filter, order, 20, null, "2026-06-01", Boolean(filter.fundingBodyCode));
    const text = await plan(sql, params);
    if (process.env.SHOW_PLANS) console.log(`${_name}\n${text}`);
    // A plan that sorts every match (by saving; or a few hundred words' matches, of which only verified
    // providers' count) may hash the providers rather than probe them one by one; listings, never.
    const sortsEveryMatch = order === ListingOrder.SAVING_DESC || /^\s*->  Sort /m.test(text);
    expect(text).not.toMatch(sortsEveryMatch ? /Seq Scan on listings/ : /Seq Scan/);
    expect(text).toMatch(/Index|Bitmap/);
  });

  it("a later page (after a cursor) uses indexes only", async () => {
    const after = encodeCursor(ListingOrder.PRICE_ASC, [2500, "01938f5e-6a4b-7c3d-8e2f-1a2b3c4d5e6f"]);
    const { sql, params } = searchStatement(columns(), { fundingBodyCode: MERTON }, ListingOrder.PRICE_ASC, 20, after, "2026-06-01", true);
    expect(await plan(sql, params)).not.toMatch(/Seq Scan/);
  });

  it("counting a category in an area reads listings through an index", async () => {
    // Hashing all 10,000 providers (a few pages) is cheaper than probing them one by one here.
    const { sql, params } = countStatement({ categoryCodes: ["PA_SUPPORT"], fundingBodyCode: MERTON });
    expect(await plan(sql, params)).not.toMatch(/Seq Scan on listings/);
  });
});
