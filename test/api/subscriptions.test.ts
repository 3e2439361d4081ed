/**
 * GraphQL subscriptions over WebSocket (graphql-ws): the token in connection_init, the webhooks'
 * visibility, the limits, and an event caused through one API process heard through another
 * (LISTEN/NOTIFY). Every wait is on an event or a condition, with a generous deadline.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Client } from "graphql-ws";
import WebSocket from "ws";
import { createApp, type App } from "../../src/app";
import type { UserEntity } from "../../src/modules/auth/user.entity";
import { toGlobalId } from "../../src/shared/ids";
import { ONLY_SUBSCRIPTIONS_OVER_WS } from "../../src/shared/limits";
import { testConfig, useApi } from "../support/api";
import { workerDatabaseUrl } from "../support/db";
import { aBudget, aClientUser, aListing, aProviderMember } from "../support/factories";
import { connect, refusal, subscribe, type Inbox } from "../support/live";
import { eventually } from "../support/locks";

const CREATE_BOOKING = /* GraphQL */ `
  mutation ($input: CreateBookingInput!) { createBooking(input: $input) { booking { id status } userErrors { code } } }
`;
const EVENTS = /* GraphQL */ `
  subscription ($types: [EventType!]) { events(types: $types) { id type occurredAt data } }
`;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("subscriptions", () => {
  const api = useApi();
  let url: string;
  const clients: Client[] = [];
  beforeAll(async () => {
    url = await listen(api.app.http);
  });
  beforeEach(() => api.clock.set("2026-03-01T10:00:00Z"));
  afterEach(async () => {
    await Promise.all(clients.splice(0).map(async (c) => c.dispose()));
  });

  const bearer = async (user: UserEntity) => `Bearer ${await api.app.services.tokens.issue(user.subject)}`;
  async function connectAs(user: UserEntity, at = url): Promise<Client> {
    const client = await connect(at, await bearer(user));
    clients.push(client);
    return client;
  }
  /** Subscribes and waits until `app`'s feed holds `open` subscriptions, so that no event can precede it. */
  async function listenFor(client: Client, app: App, open: number, types = ["BOOKING_REQUESTED"]): Promise<Inbox> {
    const inbox = subscribe(client, EVENTS, { types });
    await eventually(`${open} open subscriptions`, async () => (app.services.feed.size >= open ? true : null));
    return inbox;
  }

  async function world() {
    const a = await aProviderMember(api.db);
    const b = await aProviderMember(api.db);
    const listingA = await aListing(api.db, a.provider, { pricePence: 1500 });
    const listingB = await aListing(api.db, b.provider, { pricePence: 1500 });
    const { user: holder, client } = await aClientUser(api.db);
    const budget = await aBudget(api.db, client);
    return { a, b, listingA, listingB, holder, budget };
  }
  async function book(w: Awaited<ReturnType<typeof world>>, listingId: string, key: string): Promise<string> {
    const { createBooking } = await api.data<{ createBooking: { booking: { id: string } | null; userErrors: unknown[] } }>(
      CREATE_BOOKING,
      {
        input: {
          listingId: toGlobalId("Listing", listingId),
          budgetId: toGlobalId("Budget", w.budget.id),
          startsAt: "2026-04-01T08:00:00.000Z",
          unitsPerVisit: 1,
          idempotencyKey: key,
        },
      },
      { as: w.holder },
    );
    expect(createBooking.userErrors).toEqual([]);
    return createBooking.booking!.id;
  }

  it("a provider hears BOOKING_REQUESTED for its own booking, as the webhook body; another provider does not", async () => {
    const w = await world();
    const mine = await listenFor(await connectAs(w.a.user), api.app, 1);
    const rival = await listenFor(await connectAs(w.b.user), api.app, 2);

    const bookingA = await book(w, w.listingA.id, "a");
    const heard = await mine.next();
    expect(heard).toEqual({
      id: expect.any(String),
      type: "BOOKING_REQUESTED",
      occurredAt: "2026-03-01T10:00:00.000Z",
      data: expect.objectContaining({ bookingId: bookingA, providerId: toGlobalId("Provider", w.a.provider.id), status: "REQUESTED" }),
    });
    expect(JSON.stringify(heard.data)).not.toMatch(/dateOfBirth|Pence/);

    // The rival's first event is its own booking's, made after: each subscriber hears in commit order, so it never heard A's.
    const bookingB = await book(w, w.listingB.id, "b");
    expect((await rival.next()).data).toMatchObject({ bookingId: bookingB });
    expect((await mine.next(1).catch((error: Error) => error.message)) as string).toMatch(/no event within/);
  });

  it("hears only the types asked for", async () => {
    const w = await world();
    const confirmedOnly = await listenFor(await connectAs(w.a.user), api.app, 1, ["BOOKING_CONFIRMED"]);
    const bookingId = await book(w, w.listingA.id, "a");
    const { confirmBooking } = await api.data<{ confirmBooking: { userErrors: unknown[] } }>(
      `mutation ($input: BookingDecisionInput!) { confirmBooking(input: $input) { userErrors { code } } }`,
      { input: { bookingId, idempotencyKey: "c" } },
      { as: w.a.user },
    );
    expect(confirmBooking.userErrors).toEqual([]);
    expect(await confirmedOnly.next()).toMatchObject({ type: "BOOKING_CONFIRMED", data: { bookingId } });
  });

  it("refuses a connection_init without a valid bearer token (4403), before any operation", async () => {
    const w = await world();
    const forged = (await bearer(w.a.user)).slice(0, -4) + "AAAA";
    for (const authorization of [undefined, "", "Token abc", "Bearer not-a-jwt", forged]) {
      await expect(connect(url, authorization)).rejects.toThrow(/"code":4403/);
    }
    expect(api.app.services.feed.size).toBe(0);
  });

  it("answers a WebSocket upgrade anywhere but /graphql with 404", async () => {
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const socket = new WebSocket(`${url.replace("http", "ws")}/elsewhere`);
      socket.on("unexpected-response", (_request, response) => resolve(response.statusCode));
      socket.on("open", () => reject(new Error("a socket opened at /elsewhere")));
      socket.on("error", () => undefined); // the 404 also surfaces as an error; the status says it
    });
    expect(status).toBe(404);
  });

  it("applies the query limits to WebSocket operations and serves subscriptions only there", async () => {
    const w = await world();
    const client = await connectAs(w.a.user);
    const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: id`).join(" ");
    expect(await refusal(client, `subscription Many { events { ${aliases} } }`)).toEqual(["Many uses 31 aliases; the limit is 30."]);
    expect(await refusal(client, `{ viewer { id } }`)).toEqual([ONLY_SUBSCRIPTIONS_OVER_WS]);
    expect(await refusal(client, `subscription { events { nope } }`)).toEqual([expect.stringContaining('Cannot query field "nope"')]);
    expect(api.app.services.feed.size).toBe(0);
  });

  it("a subscription through a second API process hears an event caused through the first (LISTEN/NOTIFY)", async () => {
    const w = await world();
    const other = await createApp(testConfig(), { databaseUrl: await workerDatabaseUrl() });
    try {
      const otherUrl = await listen(other.http);
      const inbox = await listenFor(await connectAs(w.a.user, otherUrl), other, 1);
      expect(api.app.services.feed.size).toBe(0); // nothing subscribed in the process that books
      const bookingId = await book(w, w.listingA.id, "a");
      expect(await inbox.next()).toMatchObject({ type: "BOOKING_REQUESTED", data: { bookingId } });
      // Its stop closes the sockets and the LISTEN connection: the subscription ends, nothing is left open.
      await other.stop();
      await expect(inbox.next()).rejects.toBeDefined();
      expect(other.services.feed.size).toBe(0);
    } finally {
      await Promise.all(clients.splice(0).map(async (c) => c.dispose()));
      await other.stop();
    }
  });

  it("ends a subscription when the client leaves it", async () => {
    const w = await world();
    const inbox = await listenFor(await connectAs(w.a.user), api.app, 1);
    await inbox.stop();
    await eventually("the subscription to end", async () => (api.app.services.feed.size === 0 ? true : null));
  });
});
