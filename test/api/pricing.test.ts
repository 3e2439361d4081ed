import { PUBLISHED_REFERENCE_RATES } from "../../src/demo/reference-rates";
import { ReferenceRateEntity } from "../../src/modules/pricing/reference-rate.entity";
import { toGlobalId } from "../../src/shared/ids";
import { useApi } from "../support/api";
import { aCommissioner, aListing, anAdmin, aProvider, LEICESTERSHIRE, MERTON } from "../support/factories";

const RATES_CSV = PUBLISHED_REFERENCE_RATES;
const HEADER = RATES_CSV.split("\n")[0];
const IMPORT = /* GraphQL */ `
  mutation ($input: ImportReferenceRatesInput!) { importReferenceRates(input: $input) { created unchanged closed dryRun userErrors { code message field } } }
`;
const SET = /* GraphQL */ `
  mutation ($input: SetReferenceRateInput!) { setReferenceRate(input: $input) { referenceRate { ratePence validFrom validTo } userErrors { code message field } } }
`;

describe("reference rates", () => {
  const api = useApi();

  it("imports the published rate card once: the second import creates nothing", async () => {
    const admin = await anAdmin(api.db);
    const first = await api.data<{ importReferenceRates: Record<string, unknown> }>(IMPORT, { input: { csv: RATES_CSV } }, { as: admin });
    expect(first.importReferenceRates).toEqual({ created: 14, unchanged: 0, closed: 0, dryRun: false, userErrors: [] });
    const second = await api.data<{ importReferenceRates: Record<string, unknown> }>(IMPORT, { input: { csv: RATES_CSV } }, { as: admin });
    expect(second.importReferenceRates).toEqual({ created: 0, unchanged: 14, closed: 0, dryRun: false, userErrors: [] });
    expect(await api.db.getRepository(ReferenceRateEntity).count()).toBe(14);
  });

  it("reports every bad row by line and imports nothing; a dry run imports nothing either", async () => {
    const admin = await anAdmin(api.db);
    const card = [
      HEADER,
      "E09000024,London Borough of Merton,PA_SUPPORT,HOUR,,STANDARD,1955,2023-08-21,,COUNCIL_DP_RATE,good row",
      "E09000024,London Borough of Merton,ASTROLOGY,HOUR,,STANDARD,1955,2023-08-21,,COUNCIL_DP_RATE,unknown category",
      "E09000024,London Borough of Merton,PERSONAL_CARE,HOUR,,STANDARD,-1955,2023-08-21,,COUNCIL_DP_RATE,negative",
      "E09000024,London Borough of Merton,PA_SUPPORT,HOUR,,STANDARD,2000,2024-01-01,2024-12-31,COUNCIL_DP_RATE,overlaps line 2",
      "E09000024,London Borough of Merton,NIGHT_CARE,HOUR,,SLEEP_IN,1539,2023-13-01,,COUNCIL_DP_RATE,malformed date",
    ].join("\n");
    const { importReferenceRates } = await api.data<{ importReferenceRates: { created: number; userErrors: { code: string; field: string[] }[] } }>(
      IMPORT,
      { input: { csv: card } },
      { as: admin },
    );
    expect(importReferenceRates.created).toBe(0);
    expect(importReferenceRates.userErrors.map((e) => [e.code, e.field[2]])).toEqual([
      ["NOT_FOUND", "3"],
      ["INVALID_VALUE", "4"],
      ["RATE_OVERLAP", "5"],
      ["INVALID_VALUE", "6"],
    ]);
    expect(await api.db.getRepository(ReferenceRateEntity).count()).toBe(0);

    const dry = await api.data<{ importReferenceRates: unknown }>(IMPORT, { input: { csv: RATES_CSV, dryRun: true } }, { as: admin });
    expect(dry.importReferenceRates).toEqual({ created: 14, unchanged: 0, closed: 0, dryRun: true, userErrors: [] });
    expect(await api.db.getRepository(ReferenceRateEntity).count()).toBe(0);
  });

  it("lets a commissioner import their own funding body's rates only", async () => {
    const commissioner = await aCommissioner(api.db, MERTON);
    const { importReferenceRates } = await api.data<{ importReferenceRates: { userErrors: { code: string; message: string }[] } }>(
      IMPORT,
      { input: { csv: RATES_CSV } },
      { as: commissioner },
    );
    expect(importReferenceRates.userErrors.map((e) => e.message)).toEqual([
      "Line 9: you cannot set the rates of E10000018.",
      ...[10, 11, 12, 13, 14, 15].map((line) => `Line ${line}: you cannot set the rates of E92000001.`),
    ]);
    const own = RATES_CSV.split("\n")
      .filter((line, i) => i === 0 || line.startsWith(MERTON))
      .join("\n");
    const mine = await api.data<{ importReferenceRates: { created: number } }>(IMPORT, { input: { csv: own } }, { as: commissioner });
    expect(mine.importReferenceRates.created).toBe(7);
  });

  it("adds a version without overwriting: the open one closes the day before", async () => {
    const commissioner = await aCommissioner(api.db, MERTON);
    const base = {
      fundingBodyCode: MERTON,
      categoryCode: "PA_SUPPORT",
      unit: "HOUR",
      ratePence: 1955,
      validFrom: "2023-08-21",
      source: "Merton DP rates 2023",
    };
    await api.data(SET, { input: base }, { as: commissioner });
    const next = await api.data<{ setReferenceRate: unknown }>(
      SET,
      { input: { ...base, ratePence: 2010, validFrom: "2026-04-01", source: "Merton DP rates 2026" } },
      { as: commissioner },
    );
    expect(next.setReferenceRate).toEqual({ referenceRate: { ratePence: 2010, validFrom: "2026-04-01", validTo: null }, userErrors: [] });
    const versions = await api.data<{ referenceRates: unknown[] }>(
      `{ referenceRates(fundingBodyCode: "${MERTON}", categoryCode: "PA_SUPPORT") { ratePence validFrom validTo } }`,
    );
    expect(versions.referenceRates).toEqual([
      { ratePence: 2010, validFrom: "2026-04-01", validTo: null },
      { ratePence: 1955, validFrom: "2023-08-21", validTo: "2026-03-31" },
    ]);
    const onDay = await api.data<{ referenceRates: unknown[] }>(`{ referenceRates(fundingBodyCode: "${MERTON}", on: "2026-03-31") { ratePence } }`);
    expect(onDay.referenceRates).toEqual([{ ratePence: 1955 }]);

    const rewrite = await api.data<{ setReferenceRate: { userErrors: { code: string }[] } }>(
      SET,
      { input: { ...base, ratePence: 1, validFrom: "2024-01-01", validTo: "2024-12-31" } },
      { as: commissioner },
    );
    expect(rewrite.setReferenceRate.userErrors.map((e) => e.code)).toEqual(["RATE_OVERLAP"]);
    const elsewhere = await api.data<{ setReferenceRate: { userErrors: { code: string }[] } }>(
      SET,
      { input: { ...base, fundingBodyCode: LEICESTERSHIRE } },
      { as: commissioner },
    );
    expect(elsewhere.setReferenceRate.userErrors.map((e) => e.code)).toEqual(["NOT_PERMITTED"]);
  });

  it("cannot hold two versions of one rate on the same day, whatever the code does", async () => {
    const insert = (from: string) =>
      api.db.query(
        "INSERT INTO reference_rates (id, funding_body_code, category_code, unit, rate_type, rate_pence, valid_from, source_kind, source) VALUES (gen_random_uuid(), $1, 'PA_SUPPORT', 'HOUR', 'STANDARD', 1955, $2, 'COUNCIL_DP_RATE', 'x')",
        [MERTON, from],
      );
    await insert("2023-08-21");
    await expect(insert("2025-01-01")).rejects.toThrow(/excl_reference_rates_overlap/);
  });

  describe("price comparisons", () => {
    async function rates() {
      await api.data(IMPORT, { input: { csv: RATES_CSV } }, { as: await anAdmin(api.db) });
    }

    it("compare a listing with the funding body's rate in force on the day, and the minimum price", async () => {
      await rates();
      const provider = await aProvider(api.db);
      const pa = await aListing(api.db, provider, { categoryCode: "PA_SUPPORT", pricePence: 1500 });
      const care = await aListing(api.db, provider, { categoryCode: "PERSONAL_CARE", pricePence: 2400 });
      const visit = await aListing(api.db, provider, { categoryCode: "PERSONAL_CARE", unit: "VISIT" as never, visitMinutes: 45, pricePence: 1600 });
      const query = `query ($id: ID!, $on: LocalDate) { listing(id: $id) { priceComparison(fundingBodyCode: "${MERTON}", on: $on) {
        referencePence differencePence differencePercent savingPence minimumPricePence belowMinimumPrice referenceRate { ratePence source } } } }`;
      const compare = async (id: string, on: string) =>
        (await api.data<{ listing: { priceComparison: unknown } }>(query, { id: toGlobalId("Listing", id), on })).listing.priceComparison;
      expect(await compare(pa.id, "2025-06-01")).toMatchObject({
        referencePence: 1955,
        differencePence: -455,
        differencePercent: -23.3,
        savingPence: 455,
        minimumPricePence: null,
        belowMinimumPrice: false,
      });
      expect(await compare(care.id, "2025-06-01")).toMatchObject({ referencePence: 1955, savingPence: -445, minimumPricePence: 3214, belowMinimumPrice: true });
      expect(await compare(care.id, "2026-06-01")).toMatchObject({ minimumPricePence: null, belowMinimumPrice: false });
      expect(await compare(visit.id, "2025-06-01")).toMatchObject({ referencePence: 1572, minimumPricePence: 2411, referenceRate: { ratePence: 1572 } });
      expect(await compare(pa.id, "2023-01-01")).toBeNull();
    });

    it("flag a personal assistant's price below the National Living Wage in force on the day", async () => {
      await rates();
      const provider = await aProvider(api.db);
      const hourly = await aListing(api.db, provider, { categoryCode: "PA_SUPPORT", pricePence: 1250 });
      const visit = await aListing(api.db, provider, { categoryCode: "PA_SUPPORT", unit: "VISIT" as never, visitMinutes: 45, pricePence: 915 });
      const care = await aListing(api.db, provider, { categoryCode: "PERSONAL_CARE", pricePence: 1000 });
      const query = `query ($id: ID!, $on: LocalDate) { listing(id: $id) { priceComparison(fundingBodyCode: "${MERTON}", on: $on) { legalMinimumPence belowLegalMinimum } } }`;
      const compare = async (id: string, on: string) =>
        (await api.data<{ listing: { priceComparison: unknown } }>(query, { id: toGlobalId("Listing", id), on })).listing.priceComparison;
      expect(await compare(hourly.id, "2025-06-01")).toEqual({ legalMinimumPence: 1221, belowLegalMinimum: false });
      expect(await compare(hourly.id, "2026-04-01")).toEqual({ legalMinimumPence: 1271, belowLegalMinimum: true });
      expect(await compare(visit.id, "2025-06-01")).toEqual({ legalMinimumPence: 916, belowLegalMinimum: true }); // 45/60 of 1221p is 915.75p
      expect(await compare(care.id, "2025-06-01")).toEqual({ legalMinimumPence: null, belowLegalMinimum: false }); // not a wage
    });

    it("come with a search for a funding body, in the same statement", async () => {
      await rates();
      const provider = await aProvider(api.db);
      for (const price of [1500, 1955, 2100]) await aListing(api.db, provider, { categoryCode: "PA_SUPPORT", pricePence: price });
      await aListing(api.db, provider, { categoryCode: "GARDENING", pricePence: 2000 });
      const { statements, result } = await api.sql.during(() =>
        api.execute<{ listings: { nodes: { pricePence: number; priceComparison: { savingPence: number; referenceRate: { validFrom: string } } | null }[] } }>(
          `{ listings(filter: { fundingBodyCode: "${MERTON}" }) { nodes { pricePence priceComparison { savingPence referenceRate { validFrom } } } } }`,
        ),
      );
      expect(statements).toHaveLength(1);
      expect(result.data?.listings.nodes.map((n) => [n.pricePence, n.priceComparison?.savingPence ?? null])).toEqual([
        [1500, 455],
        [1955, 0],
        [2000, null],
        [2100, -145],
      ]);
    });

    it("order a search by saving, biggest first, listings without a rate last, page by page", async () => {
      await rates();
      const provider = await aProvider(api.db);
      for (const price of [1900, 1500, 2100, 1700]) await aListing(api.db, provider, { categoryCode: "PA_SUPPORT", pricePence: price });
      await aListing(api.db, provider, { categoryCode: "GARDENING", pricePence: 1000 });
      const query = `query ($after: String) { listings(first: 2, after: $after, orderBy: SAVING_DESC, filter: { fundingBodyCode: "${MERTON}" }) {
        nodes { pricePence } pageInfo { hasNextPage endCursor } } }`;
      type Page = { listings: { nodes: { pricePence: number }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
      const prices: number[] = [];
      let after: string | null = null;
      do {
        const page: Page = await api.data<Page>(query, { after });
        prices.push(...page.listings.nodes.map((n) => n.pricePence));
        after = page.listings.pageInfo.hasNextPage ? page.listings.pageInfo.endCursor : null;
      } while (after);
      expect(prices).toEqual([1500, 1700, 1900, 2100, 1000]);

      // A price £9,000 an hour is a premium of over 40,000%: it sorts last among priced listings, never overflows.
      await aListing(api.db, provider, { categoryCode: "PA_SUPPORT", pricePence: 900_000 });
      const overpriced = await api.data<{ listings: { nodes: { pricePence: number; priceComparison: { differencePence: number } | null }[] } }>(
        `{ listings(first: 10, orderBy: SAVING_DESC, filter: { fundingBodyCode: "${MERTON}" }) { nodes { pricePence priceComparison { differencePence } } } }`,
      );
      expect(overpriced.listings.nodes.map((n) => n.pricePence)).toEqual([1500, 1700, 1900, 2100, 900_000, 1000]);
      const withoutBody = await api.execute("{ listings(orderBy: SAVING_DESC) { nodes { id } } }");
      expect(withoutBody.errors?.[0]).toMatchObject({
        message: "SAVING_DESC compares with a funding body's rates: give filter.fundingBodyCode.",
        extensions: { code: "BAD_USER_INPUT", field: "orderBy" },
      });
    });
  });
});
