import { Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from "graphql";
import { loadConfig } from "../../src/config";
import type { Logger } from "../../src/shared/logger";
import { FallbackStore, MemoryStore, movesMoney, RateLimiter, takeToken, type BucketStore } from "../../src/shared/rate-limit";

const PER_MINUTE = { perMinute: 6 }; // one token every 10 s

describe("the token bucket", () => {
  it("lets a full bucket's worth through at once, then refuses with the seconds until a token is back", () => {
    let state = undefined;
    for (let i = 0; i < 6; i++) {
      const step = takeToken(state, PER_MINUTE, 1_000);
      expect(step.take).toEqual({ allowed: true });
      state = step.state;
    }
    expect(takeToken(state, PER_MINUTE, 1_000).take).toEqual({ allowed: false, retryAfterSeconds: 10 });
    expect(takeToken(state, PER_MINUTE, 7_500).take).toEqual({ allowed: false, retryAfterSeconds: 4 }); // 6.5 s of 10 refilled
    expect(takeToken(state, PER_MINUTE, 11_000).take).toEqual({ allowed: true });
  });

  it("refills at the limit's rate and never beyond a minute's worth", () => {
    const empty = { tokens: 0, atMs: 0 };
    expect(takeToken(empty, PER_MINUTE, 25_000).state.tokens).toBeCloseTo(1.5); // 2.5 refilled, 1 taken
    expect(takeToken(empty, PER_MINUTE, 3_600_000).state.tokens).toBe(5); // capped at 6, 1 taken
  });

  it("refills nothing when the clock moves back", () => {
    const step = takeToken({ tokens: 0.5, atMs: 10_000 }, PER_MINUTE, 5_000);
    expect(step.take).toEqual({ allowed: false, retryAfterSeconds: 5 });
    expect(step.state).toEqual({ tokens: 0.5, atMs: 10_000 });
  });
});

describe("MemoryStore", () => {
  it("keeps one bucket per key, on an injected clock", async () => {
    let now = 0;
    const store = new MemoryStore(() => now);
    for (let i = 0; i < 6; i++) await store.take("a", PER_MINUTE);
    expect(await store.take("a", PER_MINUTE)).toEqual({ allowed: false, retryAfterSeconds: 10 });
    expect(await store.take("b", PER_MINUTE)).toEqual({ allowed: true });
    now = 10_000;
    expect(await store.take("a", PER_MINUTE)).toEqual({ allowed: true });
  });

  it("forgets the least recently used bucket beyond its size", async () => {
    const store = new MemoryStore(() => 0, 2);
    const one = { perMinute: 1 };
    await store.take("a", one);
    await store.take("b", one);
    await store.take("a", one); // refused, and now the most recent
    await store.take("c", one); // evicts b
    expect(await store.take("a", one)).toMatchObject({ allowed: false });
    expect(await store.take("b", one)).toEqual({ allowed: true });
  });
});

describe("FallbackStore", () => {
  const broken: BucketStore = {
    take: () => Promise.reject(new Error("Connection is closed.")),
    close: () => Promise.resolve(),
  };

  it("counts in memory while Redis fails, warning once, and never fails the take", async () => {
    const warnings: string[] = [];
    const logger: Logger = { debug: () => undefined, info: () => undefined, error: () => undefined, warn: (m) => warnings.push(m) };
    const store = new FallbackStore(broken, new MemoryStore(() => 0), logger);
    expect(await store.take("a", { perMinute: 1 })).toEqual({ allowed: true });
    expect(await store.take("a", { perMinute: 1 })).toEqual({ allowed: false, retryAfterSeconds: 60 });
    expect(warnings).toEqual(["rate limits: Redis unreachable, counting in this process's memory until it answers"]);
  });
});

describe("RateLimiter", () => {
  it("refuses with RATE_LIMITED, HTTP 429, Retry-After and a message saying when to retry", async () => {
    const limiter = new RateLimiter(new MemoryStore(() => 0), { addressPerMinute: 1, viewerPerMinute: 1, moneyPerMinute: 1 });
    await limiter.takeMoney("u1");
    const refusal = await limiter.takeMoney("u1").catch((e: unknown) => e);
    expect(refusal).toMatchObject({
      message: "Too many requests of mutations that move money from your account (the limit is 1 a minute). Try again in 60 seconds.",
      extensions: { code: "RATE_LIMITED", retryAfterSeconds: 60, http: { status: 429 } },
    });
    await expect(limiter.takeViewer("u1")).resolves.toBeUndefined(); // another bucket
  });
});

describe("movesMoney", () => {
  const money = new Set(["createBooking"]);
  const check = (source: string, name?: string) => {
    const document = parse(source);
    const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    const fragments = Object.fromEntries(
      document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
    );
    return movesMoney(operations.find((o) => o.name?.value === name) ?? operations[0], fragments, money);
  };

  it.each([
    ["a money mutation", "mutation { createBooking(input: {}) { booking { id } } }", undefined, true],
    ["under an alias", "mutation { b: createBooking(input: {}) { booking { id } } }", undefined, true],
    ["through a fragment", "mutation { ...M } fragment M on Mutation { ... on Mutation { createBooking(input: {}) { __typename } } }", undefined, true],
    ["another mutation", "mutation { createListing(input: {}) { listing { id } } }", undefined, false],
    ["a query naming the field", "query { createBooking }", undefined, false],
    ["the other operation of the document", "mutation A { createListing { id } } mutation B { createBooking { id } }", "A", false],
    ["a fragment cycle", "mutation { ...M } fragment M on Mutation { ...M }", undefined, false],
  ])("%s", (_what, source, name, expected) => {
    expect(check(source, name)).toBe(expected);
  });
});

describe("configuration", () => {
  const base = { NODE_ENV: "production", DATABASE_URL: "postgres://db/x", JWT_SECRET: "x".repeat(32) };

  it("limits by default outside tests, with documented defaults, and trusts no proxy", () => {
    const config = loadConfig(base);
    expect(config.rateLimit).toEqual({
      enabled: true,
      addressPerMinute: 1_200,
      viewerPerMinute: 600,
      moneyPerMinute: 30,
      redisUrl: undefined,
      redisPrefix: "ratelimit:",
      redisTimeoutMs: 500,
    });
    expect(config.trustProxy).toBe(false);
    expect(loadConfig({ NODE_ENV: "test" }).rateLimit.enabled).toBe(false);
  });

  it("reads TRUST_PROXY as hops or addresses, and refuses `true`", () => {
    expect(loadConfig({ ...base, TRUST_PROXY: "1" }).trustProxy).toBe(1);
    expect(loadConfig({ ...base, TRUST_PROXY: "loopback, 10.0.0.0/8" }).trustProxy).toEqual(["loopback", "10.0.0.0/8"]);
    expect(() => loadConfig({ ...base, TRUST_PROXY: "true" })).toThrow(/TRUST_PROXY must be false, the number of proxies/);
    expect(() => loadConfig({ ...base, REDIS_URL: "http://localhost" })).toThrow(/REDIS_URL must be a URL starting with redis:\/\//);
  });
});
