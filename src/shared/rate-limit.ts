/**
 * Rate limits as token buckets: each holds a minute's worth of requests and refills continuously,
 * so a client may burst up to its limit and then gets one request per (60 / limit) seconds.
 * Buckets live in Redis when one is configured, so that every API process draws on the same ones;
 * in this process's memory otherwise (one process, or a lost Redis: see `FallbackStore`).
 */
import { HeaderMap } from "@apollo/server";
import { getNamedType, GraphQLError, isInputObjectType, Kind, OperationTypeNode, type GraphQLSchema } from "graphql";
import type { FragmentDefinitionNode, OperationDefinitionNode, SelectionSetNode } from "graphql";
import Redis from "ioredis";
import type { Logger } from "./logger";

export const RATE_LIMITED = "RATE_LIMITED";

/** A bucket's size and refill: `perMinute` tokens, refilled at `perMinute` a minute. */
export interface BucketLimit {
  perMinute: number;
}

export interface BucketState {
  tokens: number;
  atMs: number;
}

/** Allowed, or refused with the whole seconds until one token is back (at least 1). */
export type Take = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * One take from a bucket at `nowMs`: the pure rule both stores apply (the Lua script below is its
 * transcription). A clock that moved back refills nothing.
 */
export function takeToken(state: BucketState | undefined, limit: BucketLimit, nowMs: number): { state: BucketState; take: Take } {
  const perMs = limit.perMinute / 60_000;
  const before = state ?? { tokens: limit.perMinute, atMs: nowMs };
  const atMs = Math.max(before.atMs, nowMs);
  const tokens = Math.min(limit.perMinute, before.tokens + (atMs - before.atMs) * perMs);
  if (tokens >= 1) return { state: { tokens: tokens - 1, atMs }, take: { allowed: true } };
  return { state: { tokens, atMs }, take: { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / perMs / 1000)) } };
}

export interface BucketStore {
  take(key: string, limit: BucketLimit): Promise<Take>;
  close(): Promise<void>;
}

/** Buckets in this process, at most `maxKeys` of them (the least recently used go first). */
export class MemoryStore implements BucketStore {
  private readonly buckets = new Map<string, BucketState>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {}

  async take(key: string, limit: BucketLimit): Promise<Take> {
    const { state, take } = takeToken(this.buckets.get(key), limit, this.now());
    this.buckets.delete(key); // re-inserted last: Map order is then least recently used first
    if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    this.buckets.set(key, state);
    return take;
  }

  async close(): Promise<void> {
    this.buckets.clear();
  }
}

/**
 * `takeToken` in Lua, so that refill and take are one atomic step in Redis whatever the number of
 * processes. The key expires once the bucket would be full again (nothing to remember).
 * Returns 0 when allowed, else the milliseconds until a token is back.
 */
const TAKE_SCRIPT = `
local per_minute = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
local per_ms = per_minute / 60000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or per_minute
local stored_at = tonumber(state[2]) or now
local at = math.max(stored_at, now)
tokens = math.min(per_minute, tokens + (at - stored_at) * per_ms)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) / per_ms) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(at))
redis.call('PEXPIRE', KEYS[1], math.ceil((per_minute - tokens) / per_ms) + 1000)
return wait
`;

/** Buckets in Redis, shared by every process that uses the same URL and prefix. */
export class RedisStore implements BucketStore {
  constructor(
    private readonly client: Redis,
    private readonly prefix: string,
    private readonly now: () => number = Date.now,
  ) {}

  async take(key: string, limit: BucketLimit): Promise<Take> {
    const waitMs = Number(await this.client.eval(TAKE_SCRIPT, 1, this.prefix + key, limit.perMinute, this.now()));
    return waitMs === 0 ? { allowed: true } : { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }
}

/**
 * Redis, or memory while Redis cannot answer: a lost Redis must not fail requests. The limits then
 * hold per process until it is back; the switch is logged once each way.
 */
export class FallbackStore implements BucketStore {
  private degraded = false;

  constructor(
    private readonly primary: BucketStore,
    private readonly fallback: BucketStore,
    private readonly logger: Logger,
  ) {}

  async take(key: string, limit: BucketLimit): Promise<Take> {
    try {
      const take = await this.primary.take(key, limit);
      if (this.degraded) this.logger.warn("rate limits: Redis answers again; buckets are shared across processes once more");
      this.degraded = false;
      return take;
    } catch (error) {
      if (!this.degraded) {
        this.logger.warn("rate limits: Redis unreachable, counting in this process's memory until it answers", { reason: reasonOf(error) });
      }
      this.degraded = true;
      return this.fallback.take(key, limit);
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.primary.close(), this.fallback.close()]);
  }
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A client that never queues or retries a command: a take that cannot reach Redis fails at once and
 * the fallback answers. It keeps reconnecting in the background. `ready` settles when the first
 * connection is made or has failed (a failure is logged, not thrown).
 */
export function connectRedis(url: string, logger: Logger, commandTimeoutMs: number): { client: Redis; ready: Promise<void> } {
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000,
    commandTimeout: commandTimeoutMs,
  });
  let reported = false;
  client.on("error", (error: unknown) => {
    if (!reported) logger.warn("rate limits: Redis connection failed; retrying in the background", { reason: reasonOf(error) });
    reported = true;
  });
  client.on("ready", () => {
    reported = false;
  });
  const ready = client.connect().catch(() => undefined);
  return { client, ready };
}

export interface RateLimits {
  /** Requests per minute from one client address (before the token is even read). */
  addressPerMinute: number;
  /** Requests per minute from one signed-in viewer, from anywhere. */
  viewerPerMinute: number;
  /** Money-moving mutations per minute from one viewer, on top of the above. */
  moneyPerMinute: number;
}

/** The three buckets a request draws on. Each take throws `rateLimited` when its bucket is empty. */
export class RateLimiter {
  constructor(
    private readonly store: BucketStore,
    private readonly limits: RateLimits,
  ) {}

  async takeAddress(address: string): Promise<void> {
    await this.takeOrThrow(`addr:${address}`, this.limits.addressPerMinute, "from your address");
  }

  async takeViewer(userId: string): Promise<void> {
    await this.takeOrThrow(`viewer:${userId}`, this.limits.viewerPerMinute, "from your account");
  }

  async takeMoney(userId: string): Promise<void> {
    await this.takeOrThrow(`money:${userId}`, this.limits.moneyPerMinute, "of mutations that move money from your account");
  }

  close(): Promise<void> {
    return this.store.close();
  }

  private async takeOrThrow(key: string, perMinute: number, what: string): Promise<void> {
    const take = await this.store.take(key, { perMinute });
    if (!take.allowed) throw rateLimited(take.retryAfterSeconds, `Too many requests ${what} (the limit is ${perMinute} a minute).`);
  }
}

/** HTTP 429 with Retry-After, in GraphQL's error shape. */
export function rateLimited(retryAfterSeconds: number, why: string): GraphQLError {
  const headers = new HeaderMap([["retry-after", String(retryAfterSeconds)]]);
  const message = `${why} Try again in ${retryAfterSeconds} second${retryAfterSeconds === 1 ? "" : "s"}.`;
  return new GraphQLError(message, { extensions: { code: RATE_LIMITED, retryAfterSeconds, http: { status: 429, headers } } });
}

/**
 * The mutations that move money: those whose `input` carries an `idempotencyKey` (API.md: every
 * mutation that moves money takes one, so that a retry is safe). Read from the schema, so a new
 * money mutation is limited without a list to keep up to date.
 */
export function moneyMutationsOf(schema: GraphQLSchema): Set<string> {
  const fields = schema.getMutationType()?.getFields() ?? {};
  const money = new Set<string>();
  for (const [name, field] of Object.entries(fields)) {
    const input = field.args.find((a) => a.name === "input");
    const type = input ? getNamedType(input.type) : undefined;
    if (type && isInputObjectType(type) && "idempotencyKey" in type.getFields()) money.add(name);
  }
  return money;
}

/**
 * Whether the operation Apollo resolved (the one that will execute) selects a money mutation at
 * its top level, through fragments and inline fragments too.
 */
export function movesMoney(operation: OperationDefinitionNode, fragments: Record<string, FragmentDefinitionNode>, money: Set<string>): boolean {
  if (operation.operation !== OperationTypeNode.MUTATION) return false;
  const seen = new Set<string>();
  const selects = (set: SelectionSetNode): boolean =>
    set.selections.some((s) => {
      if (s.kind === Kind.FIELD) return money.has(s.name.value);
      if (s.kind === Kind.INLINE_FRAGMENT) return selects(s.selectionSet);
      const fragment = fragments[s.name.value];
      if (!fragment || seen.has(s.name.value)) return false;
      seen.add(s.name.value);
      return selects(fragment.selectionSet);
    });
  return selects(operation.selectionSet);
}
