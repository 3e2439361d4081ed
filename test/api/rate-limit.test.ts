/**
 * Rate limits through a listening server: token buckets per address, per viewer and (stricter) for
 * money-moving mutations; over the limit is HTTP 429 with Retry-After. With Redis (REDIS_URL, or
 * TEST_REDIS_URL), two apps draw on the same buckets; without it that test says it did not run.
 */
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import Redis from "ioredis";
import { createApp, type App } from "../../src/app";
import { toGlobalId } from "../../src/shared/ids";
import { TestClock, testConfig, useApi } from "../support/api";
import { workerDatabaseUrl } from "../support/db";
import { aBudget, aClient, aCommissioner, aUser } from "../support/factories";
import type { UserEntity } from "../../src/modules/auth/user.entity";

const VIEWER = { query: "{ viewer { email } }" };
const ANONYMOUS = { query: "{ __typename }" };
const TOP_UP = {
  query: "mutation($id: ID!, $key: String!) { topUpBudget(input: { budgetId: $id, amountPence: 100, idempotencyKey: $key }) { userErrors { code } } }",
};

interface Answer {
  status: number;
  retryAfter: string | null;
  body: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

async function post(url: string, body: object, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  return { status: response.status, retryAfter: response.headers.get("retry-after"), body: (await response.json()) as Answer["body"] };
}

/**
 * An app whose limits are on, its clock stopped: no bucket refills during a test, however slowly a
 * loaded machine runs it (a token every 15 s would otherwise come back mid-test).
 */
async function limitedApp(env: Record<string, string>, clock = stoppedClock()): Promise<{ app: App; url: string }> {
  const app = await createApp(testConfig({ RATE_LIMIT: "true", ...env }), { databaseUrl: await workerDatabaseUrl(), clock });
  await new Promise<void>((resolve) => app.http.listen(0, "127.0.0.1", resolve));
  return { app, url: `http://127.0.0.1:${(app.http.address() as AddressInfo).port}` };
}

const api = useApi();

function stoppedClock(): TestClock {
  const clock = new TestClock();
  clock.set(new Date());
  return clock;
}
const bearer = async (user: UserEntity) => ({ authorization: `Bearer ${await api.app.services.tokens.issue(user.subject)}` });

describe("rate limits", () => {
  const apps: App[] = [];
  const start = async (env: Record<string, string>) => {
    const started = await limitedApp(env);
    apps.push(started.app);
    return started.url;
  };
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.stop()));
  });
  const statuses = (answers: Answer[]) => answers.map((a) => a.status);

  it("answers 429 with Retry-After and a RATE_LIMITED error saying when to retry", async () => {
    const url = await start({ RATE_LIMIT_PER_MINUTE: "3" }); // one token every 20 s
    const headers = await bearer(await aUser(api.db));
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await post(url, VIEWER, headers));
    expect(statuses(answers)).toEqual([200, 200, 200, 429]);
    const refused = answers[3];
    expect(refused.retryAfter).toBe("20");
    expect(refused.body).toEqual({
      errors: [
        {
          message: "Too many requests from your account (the limit is 3 a minute). Try again in 20 seconds.",
          extensions: { code: "RATE_LIMITED", retryAfterSeconds: 20 },
        },
      ],
    });
  });

  it("keeps one bucket per viewer: another viewer at the same address is not held back", async () => {
    const url = await start({ RATE_LIMIT_PER_MINUTE: "2" });
    const alice = await bearer(await aUser(api.db));
    const bob = await bearer(await aUser(api.db));
    const answers = [await post(url, VIEWER, alice), await post(url, VIEWER, alice), await post(url, VIEWER, alice), await post(url, VIEWER, bob)];
    expect(statuses(answers)).toEqual([200, 200, 429, 200]);
  });

  it("keeps one bucket per address, read from X-Forwarded-For only when TRUST_PROXY names the proxy", async () => {
    const behindProxy = await start({ RATE_LIMIT_ADDRESS_PER_MINUTE: "2", TRUST_PROXY: "loopback" });
    const from = (address: string) => post(behindProxy, ANONYMOUS, { "x-forwarded-for": address });
    expect(statuses([await from("203.0.113.1"), await from("203.0.113.1"), await from("203.0.113.1"), await from("203.0.113.2")])).toEqual([
      200, 200, 429, 200,
    ]);

    // Trusting no proxy (the default), a client cannot buy a fresh bucket by inventing a header.
    const direct = await start({ RATE_LIMIT_ADDRESS_PER_MINUTE: "2" });
    const spoofed = (address: string) => post(direct, ANONYMOUS, { "x-forwarded-for": address });
    expect(statuses([await spoofed("198.51.100.1"), await spoofed("198.51.100.2"), await spoofed("198.51.100.3")])).toEqual([200, 200, 429]);
  });

  it("limits the address before reading the token, so bad tokens count too", async () => {
    const url = await start({ RATE_LIMIT_ADDRESS_PER_MINUTE: "1" });
    expect(statuses([await post(url, VIEWER, { authorization: "Bearer nonsense" }), await post(url, VIEWER, { authorization: "Bearer nonsense" })])).toEqual([
      401, 429,
    ]);
  });

  it("gives mutations that move money their own, stricter bucket, checked before they run", async () => {
    const url = await start({ RATE_LIMIT_PER_MINUTE: "100", RATE_LIMIT_MONEY_PER_MINUTE: "2" });
    const headers = await bearer(await aCommissioner(api.db));
    const budget = await aBudget(api.db, await aClient(api.db), { allocatedPence: 100_000 });
    const topUp = () => post(url, { ...TOP_UP, variables: { id: toGlobalId("Budget", budget.id), key: randomUUID() } }, headers);
    const answers = [await topUp(), await topUp(), await topUp()];
    expect(statuses(answers)).toEqual([200, 200, 429]);
    expect(answers[0].body).toEqual({ data: { topUpBudget: { userErrors: [] } } });
    expect(answers[2].body.errors?.[0]).toMatchObject({ extensions: { code: "RATE_LIMITED", retryAfterSeconds: 30 } });
    expect(answers[2].body.errors?.[0].message).toMatch(/^Too many requests of mutations that move money from your account \(the limit is 2 a minute\)\./);
    // The refused one never ran: two top-ups in the ledger, not three.
    const [{ count }] = await api.db.query<{ count: string }[]>("SELECT count(*) FROM ledger_entries WHERE budget_id = $1 AND kind = 'TOP_UP'", [budget.id]);
    expect(Number(count)).toBe(2);
    // Other requests of the same viewer still pass, and so does a mutation that moves no money.
    expect((await post(url, VIEWER, headers)).status).toBe(200);
  });

  it("keeps limiting in memory, without failing a request, when Redis cannot be reached", async () => {
    const url = await start({ RATE_LIMIT_PER_MINUTE: "2", REDIS_URL: "redis://127.0.0.1:1" });
    const headers = await bearer(await aUser(api.db));
    expect(statuses([await post(url, VIEWER, headers), await post(url, VIEWER, headers), await post(url, VIEWER, headers)])).toEqual([200, 200, 429]);
  });
});

const REDIS_URL = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL;
if (REDIS_URL === undefined) {
  console.warn("SKIPPED: rate limits shared through Redis (set REDIS_URL or TEST_REDIS_URL to a Redis to run them; .ci/run does when one answers)");
} else {
  describe("rate limits shared through Redis", () => {
    const prefix = `test:ratelimit:${randomUUID()}:`; // parallel runs share the Redis, never a bucket
    const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    afterAll(async () => {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    });

    it("holds one viewer's limit across two API processes", async () => {
      expect(await redis.ping()).toBe("PONG"); // a REDIS_URL that does not answer fails here, not silently in memory
      // A take that waits on Redis past 500 ms (a loaded machine) is counted in memory, which this test is not about.
      const env = { RATE_LIMIT_PER_MINUTE: "4", REDIS_URL, RATE_LIMIT_PREFIX: prefix, RATE_LIMIT_REDIS_TIMEOUT_MS: "10000" };
      const clock = stoppedClock(); // one instant for both: the shared bucket cannot refill between them
      const [one, two] = await Promise.all([limitedApp(env, clock), limitedApp(env, clock)]);
      try {
        const user = await aUser(api.db);
        const headers = await bearer(user);
        const answers = [];
        for (const url of [one.url, two.url, one.url, two.url, one.url, two.url]) answers.push((await post(url, VIEWER, headers)).status);
        expect(answers).toEqual([200, 200, 200, 200, 429, 429]);
        expect(await redis.exists(`${prefix}viewer:${user.id}`)).toBe(1);
      } finally {
        await Promise.all([one.app.stop(), two.app.stop()]);
      }
    });
  });
}
