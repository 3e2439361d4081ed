/**
 * Events end to end: the outbox written with the change (or not at all), webhooks signed and
 * received by a real HTTP receiver, retries on the test clock, visibility, and a burst delivered
 * exactly once, in order, while two workers (two API processes) share the work.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { createApp, type App } from "../../src/app";
import type { UserEntity } from "../../src/modules/auth/user.entity";
import { EventEntity, WebhookDeliveryEntity } from "../../src/modules/events/event.entity";
import { canActFor } from "../../src/modules/budgets";
import { EventPolicy, EventType, WebhookDispatcher, WebhookService } from "../../src/modules/events";
import { toGlobalId } from "../../src/shared/ids";
import { aKey, testConfig, useApi, viewerFor } from "../support/api";
import { workerDatabaseUrl } from "../support/db";
import { aBudget, aClientUser, aCommissioner, aListing, aPersonalAssistant, aProvider, aProviderMember, LEICESTERSHIRE, MERTON } from "../support/factories";
import { aWorld, book as bookVisits, confirmVisit, createPaymentRun, disputeVisit, expectNoErrors, markPaid, recordVisit } from "../support/settlement";
import { Receiver, verifies, type Received } from "../support/receiver";

const CREATE_WEBHOOK = /* GraphQL */ `
  mutation ($input: CreateWebhookInput!) { createWebhook(input: $input) { webhook { id url events secret } userErrors { code message field } } }
`;
const CREATE_BOOKING = /* GraphQL */ `
  mutation ($input: CreateBookingInput!) { createBooking(input: $input) { booking { id status } userErrors { code } } }
`;
const DELIVERIES = /* GraphQL */ `
  query ($id: ID!) { webhookDeliveries(webhookId: $id) { totalCount nodes { eventType status nextAttemptAt deliveredAt attempts { statusCode error } } } }
`;

type Webhook = { id: string; url: string; events: string[]; secret: string | null };
type Body = { id: string; type: string; occurredAt: string; data: Record<string, string> };
async function eventually(condition: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await sleep(20);
  }
}
const bodyOf = (r: Received) => JSON.parse(r.body) as Body;
/** The policy app.ts gives its own worker (budgets' and quotes' visibility). */
const policyOf = (app: App) =>
  new EventPolicy({
    client: async (tx, viewer, id) => {
      const client = await app.services.budgets.findClient(tx, id);
      return client !== null && canActFor(viewer, client);
    },
    quoteRequest: async (tx, viewer, id) => (await app.services.quotes.findVisibleRequest(viewer, id, tx)) !== null,
  });

describe("events and webhooks", () => {
  const api = useApi({ WEBHOOK_ALLOW_PRIVATE: "true" });
  const receiver = new Receiver();
  beforeAll(() => receiver.start());
  afterAll(() => receiver.stop());
  beforeEach(() => {
    receiver.reset();
    api.clock.set("2026-03-01T10:00:00Z");
  });

  /**
   * Runs the worker until `count` requests have arrived, then once more (to catch one too many).
   * Fan-out waits for every older transaction of the cluster to end (the outbox's ordering
   * horizon), and other test files' transactions on the same server can hold it back a while.
   */
  async function deliverUntil(count: number): Promise<void> {
    await eventually(async () => {
      await api.app.dispatcher.drain();
      return receiver.received.length >= count;
    });
    await api.app.dispatcher.drain();
  }

  async function subscribe(user: UserEntity, path: string, events: EventType[]): Promise<Webhook> {
    const { createWebhook } = await api.data<{ createWebhook: { webhook: Webhook; userErrors: unknown[] } }>(
      CREATE_WEBHOOK,
      { input: { url: `${receiver.url}${path}`, events } },
      { as: user },
    );
    expect(createWebhook.userErrors).toEqual([]);
    return createWebhook.webhook;
  }

  async function world() {
    const a = await aProviderMember(api.db);
    const b = await aProviderMember(api.db);
    const listing = await aListing(api.db, a.provider, { pricePence: 1500 });
    const { user: holder, client } = await aClientUser(api.db);
    const budget = await aBudget(api.db, client);
    return { a, b, listing, holder, client, budget };
  }

  async function book(w: Awaited<ReturnType<typeof world>>, i = 0, budgetId = w.budget.id) {
    const { createBooking } = await api.data<{ createBooking: { booking: { id: string; status: string } | null; userErrors: { code: string }[] } }>(
      CREATE_BOOKING,
      {
        input: {
          listingId: toGlobalId("Listing", w.listing.id),
          budgetId: toGlobalId("Budget", budgetId),
          startsAt: new Date(Date.UTC(2026, 3, 1, 8) + i * 3_600_000).toISOString(),
          unitsPerVisit: 1,
          idempotencyKey: `k${i}`,
        },
      },
      { as: w.holder },
    );
    return createBooking;
  }

  const deliveries = async (user: UserEntity, webhook: Webhook) =>
    (
      await api.data<{
        webhookDeliveries: {
          totalCount: number;
          nodes: { eventType: string; status: string; nextAttemptAt: string | null; attempts: { statusCode: number | null }[] }[];
        };
      }>(DELIVERIES, { id: webhook.id }, { as: user })
    ).webhookDeliveries;

  it("signs each delivery (Standard Webhooks); 500, 500, then 200 is three attempts on the backoff's times, one success", async () => {
    const w = await world();
    const hook = await subscribe(w.a.user, "/a", [EventType.BOOKING_REQUESTED]);
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    receiver.answers = [500, 500];
    const booked = await book(w);
    expect(booked.userErrors).toEqual([]);

    await deliverUntil(1);
    expect(receiver.received).toHaveLength(1);
    await api.app.dispatcher.drain(); // the retry is not due yet: nothing is sent
    expect(receiver.received).toHaveLength(1);
    let pending = (await deliveries(w.a.user, hook)).nodes[0];
    expect(pending).toMatchObject({ status: "PENDING", attempts: [{ statusCode: 500 }] });
    const wait = Date.parse(pending.nextAttemptAt!) - api.clock.now().getTime();
    expect(wait).toBeGreaterThanOrEqual(5_000); // 10 s, jittered between half and all of it
    expect(wait).toBeLessThanOrEqual(10_000);

    api.clock.advance(10_000);
    await deliverUntil(2);
    pending = (await deliveries(w.a.user, hook)).nodes[0];
    expect(pending.attempts.map((a) => a.statusCode)).toEqual([500, 500]);
    expect(Date.parse(pending.nextAttemptAt!) - api.clock.now().getTime()).toBeGreaterThanOrEqual(10_000); // 20 s, jittered

    api.clock.advance(20_000);
    await deliverUntil(3);
    const done = await deliveries(w.a.user, hook);
    expect(done.nodes).toEqual([expect.objectContaining({ eventType: "BOOKING_REQUESTED", status: "DELIVERED", nextAttemptAt: null })]);
    expect(done.nodes[0].attempts.map((a) => a.statusCode)).toEqual([500, 500, 200]);

    expect(receiver.received).toHaveLength(3);
    for (const r of receiver.received) {
      expect(verifies(hook.secret!, r)).toBe(true);
      expect(r.headers["content-type"]).toBe("application/json");
    }
    // At least once, deduplicated by webhook-id: the three attempts are one message.
    expect(new Set(receiver.received.map((r) => r.headers["webhook-id"])).size).toBe(1);
    const body = bodyOf(receiver.received[2]);
    expect(body).toEqual({
      id: receiver.received[2].headers["webhook-id"],
      type: "BOOKING_REQUESTED",
      occurredAt: "2026-03-01T10:00:00.000Z",
      data: expect.objectContaining({ bookingId: booked.booking!.id, status: "REQUESTED" }),
    });
    expect(JSON.stringify(body.data)).not.toMatch(/dateOfBirth|Pence/); // no personal data, no budget figures
    // A tampered body does not verify.
    expect(verifies(hook.secret!, { ...receiver.received[2], body: receiver.received[2].body.replace("REQUESTED", "CONFIRMED") })).toBe(false);
  });

  it("a subscriber hears only about objects it may see: another provider's webhook gets nothing; the commissioner hears their funding body", async () => {
    const w = await world();
    await subscribe(w.a.user, "/a", [EventType.BOOKING_REQUESTED]);
    await subscribe(w.b.user, "/b", [EventType.BOOKING_REQUESTED, EventType.BOOKING_CONFIRMED, EventType.BOOKING_CANCELLED]);
    await subscribe(await aCommissioner(api.db), "/merton", [EventType.BOOKING_REQUESTED]);
    await subscribe(await aCommissioner(api.db, LEICESTERSHIRE), "/leics", [EventType.BOOKING_REQUESTED]);
    await book(w);
    await deliverUntil(2); // /a and /merton
    expect(receiver.at("/a")).toHaveLength(1);
    expect(receiver.at("/merton")).toHaveLength(1);
    expect(receiver.at("/b")).toEqual([]);
    expect(receiver.at("/leics")).toEqual([]);
  });

  it("delivers a booking's events in the order they happened: requested, confirmed, cancelled", async () => {
    const w = await world();
    await subscribe(w.a.user, "/a", [EventType.BOOKING_REQUESTED, EventType.BOOKING_CONFIRMED, EventType.BOOKING_CANCELLED]);
    const { booking } = await book(w);
    receiver.answers = [503]; // the first is retried: the later ones wait their turn
    const decide = (mutation: string, user: UserEntity) =>
      api.data(
        `mutation ($input: BookingDecisionInput!) { ${mutation}(input: $input) { userErrors { code } } }`,
        { input: { bookingId: booking!.id, idempotencyKey: aKey() } },
        { as: user },
      );
    await decide("confirmBooking", w.a.user);
    await decide("cancelBooking", w.holder);
    await deliverUntil(1);
    expect(receiver.received.map((r) => bodyOf(r).type)).toEqual(["BOOKING_REQUESTED"]);
    api.clock.advance(60_000);
    await deliverUntil(4);
    expect(receiver.received.map((r) => bodyOf(r).type)).toEqual(["BOOKING_REQUESTED", "BOOKING_REQUESTED", "BOOKING_CONFIRMED", "BOOKING_CANCELLED"]);
    expect(bodyOf(receiver.received[3]).data.status).toBe("CANCELLED");
  });

  it("VISIT_RECORDED reaches the provider and the commissioner; a deleted webhook receives nothing more; secrets are shown once", async () => {
    const w = await world();
    const commissioner = await aCommissioner(api.db);
    const mine = await subscribe(w.a.user, "/a", [EventType.VISIT_RECORDED, EventType.BOOKING_CANCELLED]);
    const theirs = await subscribe(commissioner, "/merton", [EventType.VISIT_RECORDED]);
    const { booking } = await book(w);
    const decide = (mutation: string, input: object, user: UserEntity) =>
      api.data<Record<string, { userErrors: unknown[] }>>(
        `mutation ($input: ${mutation === "recordVisit" ? "RecordVisitInput" : "BookingDecisionInput"}!) { ${mutation}(input: $input) { userErrors { code } } }`,
        { input: { ...input, idempotencyKey: aKey() } },
        { as: user },
      );
    await decide("confirmBooking", { bookingId: booking!.id }, w.a.user);
    const { node } = await api.data<{ node: { visits: { nodes: { id: string }[] } } }>(
      `query ($id: ID!) { node(id: $id) { ... on Booking { visits { nodes { id } } } } }`,
      { id: booking!.id },
      { as: w.holder },
    );
    api.clock.set("2026-04-01T10:00:00Z");
    expect((await decide("recordVisit", { visitId: node.visits.nodes[0].id, outcome: "DELIVERED" }, w.a.user)).recordVisit.userErrors).toEqual([]);
    await deliverUntil(2);
    expect(receiver.at("/a").map((r) => [bodyOf(r).type, bodyOf(r).data.status])).toEqual([["VISIT_RECORDED", "DELIVERED"]]);
    expect(receiver.at("/merton")).toHaveLength(1);

    const listed = await api.data<{ webhooks: { nodes: { id: string; secret: string | null }[] } }>(
      "{ webhooks { nodes { id secret } } }",
      {},
      { as: w.a.user },
    );
    expect(listed.webhooks.nodes).toEqual([{ id: mine.id, secret: null }]);
    expect((await api.data<{ webhooks: { nodes: unknown[] } }>("{ webhooks { nodes { id } } }", {}, { as: w.b.user })).webhooks.nodes).toEqual([]);
    const deleted = await api.data<{ deleteWebhook: { userErrors: { code: string }[] } }>(
      "mutation ($input: DeleteWebhookInput!) { deleteWebhook(input: $input) { webhook { id } userErrors { code } } }",
      { input: { webhookId: theirs.id } },
      { as: w.a.user }, // not theirs: not found
    );
    expect(deleted.deleteWebhook.userErrors.map((e) => e.code)).toEqual(["NOT_FOUND"]);
    await api.data(
      "mutation ($input: DeleteWebhookInput!) { deleteWebhook(input: $input) { userErrors { code } } }",
      { input: { webhookId: mine.id } },
      { as: w.a.user },
    );
    await decide("cancelBooking", { bookingId: booking!.id }, w.holder);
    await api.app.dispatcher.drain();
    expect(receiver.at("/a")).toHaveLength(1);
  });

  it("settlement: VISIT_DISPUTED reaches the provider, the broker and the commissioner; PAYMENT_RUN_PAID the commissioner once, each provider its own statement", async () => {
    const world = await aWorld(api);
    const other = await aPersonalAssistant(api.db, 2000);
    const rival = await aProviderMember(api.db);
    const types = [EventType.VISIT_DISPUTED, EventType.PAYMENT_RUN_PAID];
    await subscribe(world.pa.user, "/pa", types);
    await subscribe(other.user, "/other", types);
    await subscribe(world.commissioner, "/merton", types);
    await subscribe(world.broker, "/broker", types);
    await subscribe(rival.user, "/rival", types);

    api.clock.set("2026-04-06T05:00:00Z");
    const [disputed] = await bookVisits(api, world.pa, world.holder, world.budget, "2026-04-06T06:00:00Z", 1);
    const [paidVisit] = await bookVisits(api, world.pa, world.holder, world.budget, "2026-04-06T09:00:00Z", 1);
    const [otherVisit] = await bookVisits(api, other, world.holder, world.budget, "2026-04-06T09:00:00Z", 1);
    api.clock.set("2026-04-06T11:00:00Z");
    for (const [pa, visit] of [
      [world.pa, disputed],
      [world.pa, paidVisit],
      [other, otherVisit],
    ] as const) {
      expectNoErrors((await recordVisit(api, pa.user, visit)).userErrors);
    }
    expectNoErrors((await disputeVisit(api, world.holder, disputed, "Nobody came")).userErrors);
    // A refused dispute (already disputed) records nothing.
    expect((await disputeVisit(api, world.broker, disputed)).userErrors.map((e) => e.code)).toEqual(["INVALID_TRANSITION"]);
    expectNoErrors((await confirmVisit(api, world.holder, paidVisit)).userErrors);
    expectNoErrors((await confirmVisit(api, world.holder, otherVisit)).userErrors);
    api.clock.set("2026-04-07T10:00:00Z");
    const run = await createPaymentRun(api, world.commissioner, "2026-04-06");
    expectNoErrors(run.userErrors);
    expect(run.paymentRun!.statementCount).toBe(2);
    // Another funding body's commissioner cannot mark the run paid: nothing recorded.
    expect((await markPaid(api, await aCommissioner(api.db, LEICESTERSHIRE), run.paymentRun!.id, "2026-04-08")).userErrors.map((e) => e.code)).toEqual([
      "NOT_FOUND",
    ]);
    expectNoErrors((await markPaid(api, world.commissioner, run.paymentRun!.id, "2026-04-08")).userErrors);
    expect((await markPaid(api, world.commissioner, run.paymentRun!.id, "2026-04-09")).userErrors.map((e) => e.code)).toEqual(["INVALID_TRANSITION"]);

    await deliverUntil(6);
    const heard = (path: string) => receiver.at(path).map((r) => ({ type: bodyOf(r).type, data: bodyOf(r).data }));
    const statementOf = (providerId: string) => run.paymentRun!.statements.nodes.find((s) => s.provider.id === toGlobalId("Provider", providerId))!.id;
    const disputedEvent = {
      type: "VISIT_DISPUTED",
      data: {
        visitId: disputed,
        bookingId: expect.any(String),
        providerId: toGlobalId("Provider", world.pa.provider.id),
        startsAt: "2026-04-06T06:00:00.000Z",
      },
    };
    const statementEvent = (providerId: string) => ({
      type: "PAYMENT_RUN_PAID",
      data: { paymentRunId: run.paymentRun!.id, statementId: statementOf(providerId), providerId: toGlobalId("Provider", providerId), paidOn: "2026-04-08" },
    });
    expect(heard("/pa")).toEqual([disputedEvent, statementEvent(world.pa.provider.id)]);
    expect(heard("/other")).toEqual([statementEvent(other.provider.id)]);
    expect(heard("/merton")).toEqual([
      disputedEvent,
      { type: "PAYMENT_RUN_PAID", data: { paymentRunId: run.paymentRun!.id, fundingBodyCode: MERTON, paidOn: "2026-04-08", statementCount: 2 } },
    ]);
    expect(heard("/broker")).toEqual([disputedEvent]);
    expect(heard("/rival")).toEqual([]);
    // No personal data: the dispute's reason and the client's name stay out of every body.
    expect(receiver.received.some((r) => r.body.includes("Nobody came") || r.body.includes("Margaret"))).toBe(false);
  });

  it("writes the outbox row in the change's transaction: a refused booking leaves none, a rolled-back transaction none", async () => {
    const w = await world();
    const poor = await aBudget(api.db, w.client, { allocatedPence: 100 });
    expect((await book(w, 0, poor.id)).userErrors.map((e) => e.code)).toEqual(["INSUFFICIENT_BUDGET"]);
    expect(await api.db.getRepository(EventEntity).count()).toBe(0);

    // The event written, then the transaction fails: no row.
    const event = { type: EventType.BOOKING_REQUESTED, data: {}, audience: { providerId: w.a.provider.id } };
    await expect(
      api.db.transaction(async (tx) => {
        await api.app.services.events.record(tx, event);
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await api.db.getRepository(EventEntity).count()).toBe(0);

    await book(w, 1);
    expect(await api.db.getRepository(EventEntity).findBy({})).toEqual([
      expect.objectContaining({ type: "BOOKING_REQUESTED", providerId: w.a.provider.id, clientId: w.client.id, fundingBodyCode: MERTON }),
    ]);
  });

  it("quotes: providers who may see a request hear QUOTE_REQUESTED; a quote is heard by its provider, never by a rival", async () => {
    const w = await world();
    const rival = await aProviderMember(api.db);
    await aListing(api.db, rival.provider);
    const faraway = await aProviderMember(api.db, await aProvider(api.db, { serviceAreas: [LEICESTERSHIRE], postcodeDistricts: ["LE2"] }));
    await aListing(api.db, faraway.provider);
    const kinds = [EventType.QUOTE_REQUESTED, EventType.QUOTE_SUBMITTED];
    await subscribe(w.a.user, "/a", kinds);
    await subscribe(rival.user, "/rival", kinds);
    await subscribe(faraway.user, "/faraway", kinds);
    const { requestQuote } = await api.data<{ requestQuote: { quoteRequest: { id: string } } }>(
      "mutation ($input: RequestQuoteInput!) { requestQuote(input: $input) { quoteRequest { id } userErrors { code } } }",
      {
        input: {
          clientId: toGlobalId("Client", w.client.id),
          categoryCode: "PERSONAL_CARE",
          description: "Mornings",
          unitsPerWeek: 5,
          startsOn: "2026-04-06",
          endsOn: "2026-06-30",
        },
      },
      { as: w.holder },
    );
    const { submitQuote } = await api.data<{ submitQuote: { userErrors: unknown[] } }>(
      "mutation ($input: SubmitQuoteInput!) { submitQuote(input: $input) { quote { id } userErrors { code message } } }",
      {
        input: {
          requestId: requestQuote.quoteRequest.id,
          listingId: toGlobalId("Listing", w.listing.id),
          unitPricePence: 1500,
          startsAt: "2026-04-06T08:00:00Z",
          recurrence: "FREQ=WEEKLY;COUNT=4",
          validUntil: "2026-03-20T00:00:00Z",
        },
      },
      { as: w.a.user },
    );
    expect(submitQuote.userErrors).toEqual([]);
    await deliverUntil(3); // /a twice, /rival once
    expect(receiver.at("/a").map((r) => bodyOf(r).type)).toEqual(["QUOTE_REQUESTED", "QUOTE_SUBMITTED"]);
    expect(receiver.at("/rival").map((r) => bodyOf(r).type)).toEqual(["QUOTE_REQUESTED"]);
    expect(receiver.at("/faraway")).toEqual([]);
  });

  it("PRICE_RISE: a listing price rising past the threshold or above the reference rate alerts the funding body's commissioners, and priceAlerts lists it", async () => {
    const w = await world();
    const commissioner = await aCommissioner(api.db);
    await subscribe(commissioner, "/merton", [EventType.PRICE_RISE]);
    await subscribe(w.a.user, "/a", [EventType.PRICE_RISE]);
    await api.data(
      "mutation ($input: SetReferenceRateInput!) { setReferenceRate(input: $input) { userErrors { code } } }",
      { input: { fundingBodyCode: MERTON, categoryCode: "PERSONAL_CARE", unit: "HOUR", ratePence: 1700, validFrom: "2025-04-01", source: "test" } },
      { as: commissioner },
    );
    const price = (pricePence: number) =>
      api.data(
        "mutation ($input: UpdateListingInput!) { updateListing(input: $input) { userErrors { code } } }",
        { input: { listingId: toGlobalId("Listing", w.listing.id), pricePence } },
        { as: w.a.user },
      );
    await price(1600); // +6.7%, still under the reference: no alert
    await price(1750); // above the reference rate
    await price(2000); // +14.3%, over the 10% threshold
    await price(1900); // a fall: nothing
    await deliverUntil(2);
    const alerts = receiver.at("/merton").map((r) => bodyOf(r).data as unknown as { pricePence: number; reasons: string[] });
    expect(alerts.map((a) => [a.pricePence, a.reasons])).toEqual([
      [1750, ["ABOVE_REFERENCE"]],
      [2000, ["RISE_OVER_THRESHOLD"]],
    ]);
    expect(receiver.at("/a")).toEqual([]); // providers never hear price alerts

    const { priceAlerts } = await api.data<{
      priceAlerts: {
        totalCount: number;
        nodes: { pricePence: number; previousPricePence: number; referencePence: number; risePercent: number; reasons: string[]; listingId: string }[];
      };
    }>(
      `query { priceAlerts(fundingBodyCode: "${MERTON}", from: "2026-03-01", to: "2026-03-01") { totalCount nodes { pricePence previousPricePence referencePence risePercent reasons listingId } } }`,
      {},
      { as: commissioner },
    );
    expect(priceAlerts.nodes).toEqual([
      {
        pricePence: 2000,
        previousPricePence: 1750,
        referencePence: 1700,
        risePercent: 14.3,
        reasons: ["RISE_OVER_THRESHOLD"],
        listingId: toGlobalId("Listing", w.listing.id),
      },
      {
        pricePence: 1750,
        previousPricePence: 1600,
        referencePence: 1700,
        risePercent: 9.4,
        reasons: ["ABOVE_REFERENCE"],
        listingId: toGlobalId("Listing", w.listing.id),
      },
    ]);
    const other = await aCommissioner(api.db, LEICESTERSHIRE);
    const theirs = await api.execute(
      `query { priceAlerts(fundingBodyCode: "${MERTON}", from: "2026-03-01", to: "2026-03-31") { totalCount } }`,
      {},
      { as: other },
    );
    expect(theirs.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
  });

  it("refuses loopback, private and link-local URLs at creation and at delivery unless WEBHOOK_ALLOW_PRIVATE", async () => {
    const w = await world();
    const strict = new WebhookService(api.db, { allowPrivate: false, production: false }, api.clock);
    for (const url of [
      "http://127.0.0.1:8080/x",
      "http://localhost/x",
      "http://169.254.169.254/latest/meta-data",
      "http://10.1.2.3/",
      "http://[::1]/",
      "http://[::ffff:127.0.0.1]/",
      "ftp://example.org/",
    ]) {
      const result = await strict.create(viewerFor(w.a.user)!, { url, events: [EventType.BOOKING_REQUESTED] });
      expect({ url, ok: result.ok }).toEqual({ url, ok: false });
    }
    const production = new WebhookService(api.db, { allowPrivate: true, production: true }, api.clock);
    expect((await production.create(viewerFor(w.a.user)!, { url: "http://example.org/x", events: [EventType.BOOKING_REQUESTED] })).ok).toBe(false);

    // Created while allowed, delivered by a worker that is not: refused at connection, recorded, retried later.
    const hook = await subscribe(w.a.user, "/a", [EventType.BOOKING_REQUESTED]);
    await book(w);
    const guarded = new WebhookDispatcher(api.db, api.app.services.users, policyOf(api.app), { allowPrivate: false, timeoutMs: 2_000, pollMs: 100 }, api.clock);
    await eventually(async () => (await guarded.drain()) > 0);
    expect(receiver.received).toEqual([]);
    const [delivery] = (await deliveries(w.a.user, hook)).nodes;
    expect(delivery.status).toBe("PENDING");
    expect((delivery.attempts[0] as { error?: string; statusCode: null }).statusCode).toBeNull();
  });

  describe("a burst, with two workers", () => {
    /** The figure: 1,000 bookings in a burst, spread over budgets (each budget's lock serialises its bookings). */
    const BURST = 1_000;
    const BUDGETS = 50;
    let second: App;
    beforeAll(async () => {
      second = await createApp(testConfig({ WEBHOOK_ALLOW_PRIVATE: "true" }), { databaseUrl: await workerDatabaseUrl(), clock: api.clock });
    });
    afterAll(() => second?.stop());

    it(`${BURST} bookings at once: ${BURST} BOOKING_REQUESTED deliveries per subscriber, none lost, none twice, in event order, two workers sharing the work`, async () => {
      const w = await world();
      const budgets = await Promise.all(Array.from({ length: BUDGETS }, () => aBudget(api.db, w.client)));
      const commissioner = await aCommissioner(api.db);
      await subscribe(w.a.user, "/a", [EventType.BOOKING_REQUESTED]);
      await subscribe(commissioner, "/merton", [EventType.BOOKING_REQUESTED]);
      const answers = await Promise.all(
        Array.from({ length: BURST }, (_, i) =>
          api.executeRetrying<{ createBooking: { booking: { id: string } | null } }>(
            CREATE_BOOKING,
            {
              input: {
                listingId: toGlobalId("Listing", w.listing.id),
                budgetId: toGlobalId("Budget", budgets[i % BUDGETS].id),
                startsAt: new Date(Date.UTC(2026, 3, 1, 8) + i * 3_600_000).toISOString(),
                unitsPerVisit: 1,
                idempotencyKey: `burst${i}`,
              },
            },
            { as: w.holder },
          ),
        ),
      );
      expect(answers.filter((a) => a.data?.createBooking.booking).length).toBe(BURST);

      // Two workers on two connection pools (two API processes), each taking one webhook's queue at a time.
      const worker = (app: App) =>
        new WebhookDispatcher(app.db, app.services.users, policyOf(app), { allowPrivate: true, timeoutMs: 5_000, pollMs: 10, parallel: 1, run: 50 }, api.clock);
      const workers = [worker(api.app), worker(second)];
      const sent = [0, 0];
      const deadline = Date.now() + 240_000;
      await Promise.all(
        workers.map(async (w, i) => {
          while (receiver.received.length < 2 * BURST && Date.now() < deadline) {
            const attempted = await w.drain();
            sent[i] += attempted;
            if (attempted === 0) await sleep(5);
          }
        }),
      );
      expect(sent[0]).toBeGreaterThan(0);
      expect(sent[1]).toBeGreaterThan(0);
      expect(sent[0] + sent[1]).toBe(2 * BURST);

      const order = (await api.db.query<{ id: string }[]>("SELECT id FROM events ORDER BY tx_id, id")).map((e) => e.id);
      expect(order).toHaveLength(BURST);
      for (const path of ["/a", "/merton"]) {
        const ids = receiver.at(path).map((r) => String(r.headers["webhook-id"]));
        expect(ids).toHaveLength(BURST); // exactly once
        expect(ids).toEqual(order); // in event order
      }
      expect(await api.db.getRepository(WebhookDeliveryEntity).countBy({ status: "DELIVERED" as never })).toBe(2 * BURST);
    }, 300_000);
  });
});
