/**
 * Malformed input is the caller's error, never an internal one. Values are generated from the built
 * schema's own argument types (every mutation, and every query that takes arguments): strings with
 * NUL bytes, lone surrogates, emoji, empty or far beyond any column; numbers at and past every
 * limit; dates in year 0 or 99999; garbage and real global IDs of every type. Each is run as
 * every role against a small real world, and no answer may carry INTERNAL_SERVER_ERROR.
 * The seed is fixed, so the same code always gets the same verdict.
 */
import fc from "fast-check";
import {
  getNamedType,
  getNullableType,
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLList,
  type GraphQLObjectType,
  GraphQLScalarType,
  isCompositeType,
  isNonNullType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
} from "graphql";
import { SignJWT } from "jose";
import type { AddressInfo } from "node:net";
import type { UserEntity } from "../../src/modules/auth/user.entity";
import { createSchema } from "../../src/schema";
import { toGlobalId } from "../../src/shared/ids";
import { TEST_JWT_SECRET, useApi } from "../support/api";
import { aBroker, aBudget, aClientUser, aCommissioner, aListing, anAdmin, aPersonalAssistant, aProviderMember, MERTON } from "../support/factories";

const SEED = 20260808;
const RUNS_PER_FIELD = 60;

/** Strings a careless or hostile client sends, and a few a careful one does. */
const BAD_STRINGS = ["", " ", "\u0000", "a\u0000b", "\ud800", "x\udfffy", "😀".repeat(3), "x".repeat(10_000), "'; DROP TABLE users; --", "%", "\\", "null"];
const GOOD_STRINGS = [MERTON, "PERSONAL_CARE", "PA_SUPPORT", "SW19", "key-1", "carol@example.org", "Help with meals", "FREQ=WEEKLY;BYDAY=MO", "09:00"];
const FLOATS = [0, -0, -1, 0.5, 1, 2.5, 1e-320, 5e-324, 0.001, 0.004, 999_999.99, 1_000_000, 1e15, 1e308, -1e308, Number.MAX_VALUE, Number.EPSILON];
const INTS = [0, 1, -1, 7, 100, 101, 2_147_483_647, -2_147_483_648];
const SAFE_INTS = [0, 1, -1, 2400, 100_000_000, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
const LOCAL_DATES = [
  "2026-04-01",
  "2026-06-15",
  "2027-03-31",
  "0000-01-01",
  "0001-01-01",
  "1899-12-31",
  "9999-12-31",
  "99999-01-01",
  "2026-02-30",
  "2026-13-01",
];
const RATE_CARD_HEADER = "funding_body_code,funding_body_name,category,unit,visit_minutes,rate_type,rate_pence,valid_from,valid_to,source_kind,source";
const DATE_TIMES = [
  "2026-05-04T09:00:00Z",
  "2026-06-01T14:30:00+01:00",
  "0000-01-01T00:00:00Z",
  "0001-01-01T00:00:00Z",
  "9999-12-31T23:59:59Z",
  "+275760-09-13T00:00:00Z",
  "2026-05-04",
];

interface World {
  users: UserEntity[];
  ids: string[];
}

const pick = <T>(values: readonly T[]) => fc.constantFrom(...values);

/** A rate card (importReferenceRates) whose cells are good or bad. */
const RATE_CARD = fc
  .array(
    fc.tuple(
      pick([MERTON, "", "E0\u0000"]),
      pick(["PA_SUPPORT", "NOPE"]),
      pick(["HOUR", "VISIT"]),
      pick(["", "30", "99999"]),
      pick(["STANDARD"]),
      pick(["1955", "0", "99999999999", "1e3"]),
      pick(["2026-04-01", "0000-01-01", "99999-01-01", "2026-02-30"]),
      pick(["", "2027-03-31", "0000-12-31"]),
      pick(["COUNCIL_DP_RATE"]),
      pick(["card", "", "x".repeat(600)]),
    ),
    { minLength: 1, maxLength: 3 },
  )
  .map((rows) => [RATE_CARD_HEADER, ...rows.map(([code, category, ...rest]) => [code, "Merton", category, ...rest].join(","))].join("\n"));

/**
 * Values a careful client sends ("good") and anything at all ("any"). An input is mostly good with
 * one field drawn from "any", so that requests get past the first bad field into the services.
 */
type Mode = "good" | "any";

function scalar(type: GraphQLScalarType, world: World, mode: Mode): fc.Arbitrary<unknown> {
  const good = mode === "good";
  switch (type.name) {
    case "String":
      return good ? pick(GOOD_STRINGS) : fc.oneof(pick(BAD_STRINGS), fc.string({ unit: "binary", maxLength: 12 }), RATE_CARD);
    case "ID":
      return good
        ? pick(world.ids)
        : fc.oneof(
            pick(BAD_STRINGS),
            pick([toGlobalId("Listing", "not-a-uuid"), toGlobalId("Listing", "\u0000"), toGlobalId("\u0000", "x"), "TGlzdGluZzo", "!!"]),
          );
    case "Int":
      return good ? fc.integer({ min: 0, max: 60 }) : pick(INTS);
    case "Float":
      return good ? pick([1, 2, 10, 0.25, 1.5]) : fc.oneof(pick(FLOATS), fc.double({ noNaN: true }));
    case "SafeInt":
      return good ? fc.integer({ min: 1, max: 100_000 }) : pick(SAFE_INTS);
    case "Boolean":
      return fc.boolean();
    case "LocalDate":
      return pick(good ? LOCAL_DATES.slice(0, 3) : LOCAL_DATES);
    case "DateTime":
      return pick(good ? DATE_TIMES.slice(0, 2) : DATE_TIMES);
    default:
      throw new Error(`No generator for scalar ${type.name}: add one to test/api/fuzz.test.ts`);
  }
}

function valueOf(type: GraphQLInputType, world: World, mode: Mode, depth: number): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return nonNullValueOf(type.ofType, world, mode, depth);
  return fc.oneof({ arbitrary: nonNullValueOf(type, world, mode, depth), weight: 6 }, fc.constant(null));
}

function nonNullValueOf(type: GraphQLInputType, world: World, mode: Mode, depth: number): fc.Arbitrary<unknown> {
  const inner = getNullableType(type);
  if (inner instanceof GraphQLList) {
    const item = inner.ofType;
    // "any" lists: one bad item among good ones.
    const items =
      mode === "good"
        ? fc.array(valueOf(item, world, "good", depth + 1), { maxLength: 3 })
        : fc
            .tuple(fc.array(valueOf(item, world, "good", depth + 1), { maxLength: 2 }), valueOf(item, world, "any", depth + 1))
            .map(([some, bad]) => [...some, bad]);
    return depth > 3 ? fc.constant([]) : items;
  }
  if (inner instanceof GraphQLEnumType) return fc.constantFrom(...inner.getValues().map((v) => v.value as unknown));
  if (inner instanceof GraphQLScalarType) return scalar(inner, world, mode);
  if (inner instanceof GraphQLInputObjectType) return fieldsOf(Object.values(inner.getFields()), world, mode, depth + 1);
  throw new Error(`Unexpected input type ${String(type)}`);
}

/** An object with every required field and most optional ones; in "any" mode one field, or all, are "any". */
function fieldsOf(fields: readonly { name: string; type: GraphQLInputType }[], world: World, mode: Mode, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const requiredKeys = fields.filter((f) => isNonNullType(f.type)).map((f) => f.name);
  const record = (modeOf: (i: number) => Mode) =>
    fc.record(Object.fromEntries(fields.map((f, i) => [f.name, valueOf(f.type, world, modeOf(i), depth)])), { requiredKeys }) as fc.Arbitrary<
      Record<string, unknown>
    >;
  if (mode === "good" || fields.length === 0) return record(() => "good");
  const oneBad = fc.nat(fields.length - 1).chain((bad) => record((i) => (i === bad ? "any" : "good")));
  return fc.oneof(
    { arbitrary: oneBad, weight: 4 },
    record(() => "any"),
  );
}

/** Arguments for a field: all good, or (mostly) one bad value somewhere. */
function argumentsOf(field: GraphQLField<unknown, unknown>, world: World): fc.Arbitrary<Record<string, unknown>> {
  return fc.oneof(fieldsOf(field.args, world, "good", 0), { arbitrary: fieldsOf(field.args, world, "any", 0), weight: 4 });
}

/** A document calling one field with all its arguments as variables, selecting just enough to run it. */
function documentFor(operation: "query" | "mutation", field: GraphQLField<unknown, unknown>): string {
  const variables = field.args.map((a: GraphQLArgument) => `$${a.name}: ${String(a.type)}`).join(", ");
  const args = field.args.map((a: GraphQLArgument) => `${a.name}: $${a.name}`).join(", ");
  const returned = getNamedType(field.type);
  let selection = "";
  if (isCompositeType(returned)) {
    const own = isObjectType(returned) ? returned.getFields() : {};
    const wanted = ["userErrors { code field }", "totalCount"].filter((s) => own[s.split(" ")[0]]);
    selection = `{ __typename ${wanted.join(" ")} }`;
  }
  return `${operation}${variables ? `(${variables})` : ""} { ${field.name}${args ? `(${args})` : ""} ${selection} }`;
}

interface Finding {
  field: string;
  variables: unknown;
  user: string | null;
}

function shorten(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === "string" && v.length > 40 ? `${v.slice(0, 20)}…(${v.length})` : v)));
}

/** The work grows with the schema (~45 s alone on a loaded two-core machine): not a timing test, so the limit is generous. */
const FUZZ_TIMEOUT_MS = 300_000;

describe("fuzzing every argument of the schema", () => {
  const api = useApi();

  async function buildWorld(): Promise<World> {
    const admin = await anAdmin(api.db);
    const commissioner = await aCommissioner(api.db);
    const { user: providerUser, provider } = await aProviderMember(api.db);
    const listing = await aListing(api.db, provider);
    const pa = await aPersonalAssistant(api.db);
    const { user: clientUser, client } = await aClientUser(api.db);
    const budget = await aBudget(api.db, client);
    const broker = await aBroker(api.db, client);
    const booked = await api.data<{ createBooking: { booking: { id: string; visits: { nodes: { id: string }[] } } } }>(
      "mutation ($input: CreateBookingInput!) { createBooking(input: $input) { booking { id visits(first: 5) { nodes { id } } } } }",
      {
        input: {
          budgetId: toGlobalId("Budget", budget.id),
          listingId: toGlobalId("Listing", pa.listing.id),
          startsAt: "2026-05-04T09:00:00Z",
          idempotencyKey: "world",
        },
      },
      { as: clientUser },
    );
    const { booking } = booked.createBooking;
    const clientId = toGlobalId("Client", client.id);
    const requested = await api.data<{ requestQuote: { quoteRequest: { id: string } } }>(
      "mutation ($input: RequestQuoteInput!) { requestQuote(input: $input) { quoteRequest { id } } }",
      { input: { clientId, categoryCode: "PERSONAL_CARE", description: "Help", unitsPerWeek: 5, startsOn: "2026-05-10", endsOn: "2026-07-10" } },
      { as: clientUser },
    );
    const requestId = requested.requestQuote.quoteRequest.id;
    const submitted = await api.data<{ submitQuote: { quote: { id: string } } }>(
      "mutation ($input: SubmitQuoteInput!) { submitQuote(input: $input) { quote { id } } }",
      {
        input: {
          requestId,
          listingId: toGlobalId("Listing", listing.id),
          unitPricePence: 2300,
          startsAt: "2026-05-11T09:00:00Z",
          validUntil: "2026-05-09T00:00:00Z",
        },
      },
      { as: providerUser },
    );
    const created = await api.data<{ createPackage: { package: { id: string } } }>(
      "mutation ($input: CreatePackageInput!) { createPackage(input: $input) { package { id } } }",
      { input: { clientId, budgetId: toGlobalId("Budget", budget.id) } },
      { as: broker },
    );
    const users = [admin, commissioner, providerUser, clientUser, broker];
    const ids = [
      toGlobalId("Provider", provider.id),
      toGlobalId("Provider", pa.provider.id),
      toGlobalId("Listing", listing.id),
      toGlobalId("Listing", pa.listing.id),
      toGlobalId("Client", client.id),
      toGlobalId("Budget", budget.id),
      booking.id,
      requestId,
      submitted.submitQuote.quote.id,
      created.createPackage.package.id,
      ...booking.visits.nodes.map((v) => v.id),
      ...users.map((u) => toGlobalId("User", u.id)),
    ];
    return { users, ids };
  }

  it(
    "never answers INTERNAL_SERVER_ERROR, whatever the arguments",
    async () => {
      // Given a small world, at a fixed time
      api.clock.set("2026-05-01T08:00:00Z");
      const world = await buildWorld();
      const schema = await createSchema();
      const fields = [
        ...Object.values((schema.getMutationType() as GraphQLObjectType).getFields()).map((f) => ({ operation: "mutation" as const, field: f })),
        ...Object.values((schema.getQueryType() as GraphQLObjectType).getFields())
          .filter((f) => f.args.length > 0)
          .map((f) => ({ operation: "query" as const, field: f })),
      ];

      // When every field is called with generated arguments, in turn as each role it allows
      const findings: Finding[] = [];
      let tried = 0;
      for (const [index, { operation, field }] of fields.entries()) {
        const query = documentFor(operation, field);
        const run = async (variables: Record<string, unknown>, user: UserEntity | null): Promise<string[]> => {
          tried += 1;
          const codes = ((await api.execute(query, variables, { as: user })).errors ?? []).map((e) => String(e.extensions?.code));
          if (codes.includes("INTERNAL_SERVER_ERROR")) findings.push({ field: field.name, variables: shorten(variables), user: user?.roles.join(",") ?? null });
          return codes;
        };
        const cases = fc.sample(argumentsOf(field, world), { seed: SEED + index, numRuns: RUNS_PER_FIELD });
        // As the roles the field allows: a FORBIDDEN answer to the first case rules a user out.
        const allowed: UserEntity[] = [];
        for (const user of world.users) if (!(await run(cases[0], user)).includes("FORBIDDEN")) allowed.push(user);
        for (const [n, variables] of cases.entries()) await run(variables, allowed.length > 0 ? allowed[n % allowed.length] : null);
      }

      // Then none of them is an internal error
      console.log(`fuzz: ${tried} requests over ${fields.length} fields (seed ${SEED}), ${findings.length} internal errors`);
      expect(findings).toEqual([]);
    },
    FUZZ_TIMEOUT_MS,
  );

  it("refuses any bearer token whose subject is not valid text as UNAUTHENTICATED (401), never a 500", async () => {
    // Given a listening server
    await new Promise<void>((resolve) => api.app.http.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(api.app.http.address() as AddressInfo).port}/graphql`;
    const secret = new TextEncoder().encode(TEST_JWT_SECRET);
    const subjects = fc.sample(fc.oneof(fc.constantFrom(...BAD_STRINGS), fc.string({ unit: "binary", maxLength: 20 })), { seed: SEED, numRuns: 30 });

    // When each is sent as a correctly signed token's subject
    const statuses = new Set<number>();
    for (const sub of subjects) {
      const token = await new SignJWT({ sub }).setProtectedHeader({ alg: "HS256" }).setExpirationTime("1h").sign(secret);
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: '{"query":"{ viewer { email } }"}',
      });
      statuses.add(response.status);
    }

    // Then every one is refused as unauthenticated (no such user, or not a valid subject)
    expect([...statuses]).toEqual([401]);
  });
});
