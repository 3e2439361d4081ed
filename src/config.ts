/**
 * Configuration comes from environment variables only, validated once at start. Every bad value
 * is reported with what was expected, so a misconfigured server refuses to start instead of failing
 * on its first request.
 */
import { parseTuning, type Tuning } from "./shared/tuning";

export type Environment = "development" | "test" | "production";

export interface Config {
  environment: Environment;
  host: string;
  port: number;
  /** Absent: an embedded PostgreSQL is started under `dataDir`. */
  databaseUrl: string | undefined;
  /** Streaming replicas for reads that tolerate lag (search, the feed, reports); empty: all on the primary. */
  databaseReplicaUrls: string[];
  databasePoolSize: number;
  /** How long a start waits for a database that is still starting (seconds). */
  databaseWaitSeconds: number;
  /** How long a stopping process keeps serving, not ready, so a load balancer stops sending to it first (seconds). */
  drainSeconds: number;
  dataDir: string;
  /** `maxAgeSeconds`: the longest lifetime (exp − iat) a token may have. */
  jwt: { secret: string | undefined; jwksUrl: string | undefined; issuer: string | undefined; audience: string | undefined; maxAgeSeconds: number };
  /** Load demo data when the database holds no users yet. */
  demoData: boolean;
  limits: { maxDepth: number; maxAliases: number; maxCost: number };
  /** Browser origins allowed to call the API (CORS); none by default. */
  corsOrigins: string[];
  logLevel: LogLevel;
  webhooks: WebhookSettings;
  /** Worker threads that solve planPackage's problems off the event loop (0: on it). */
  plannerWorkers: number;
  /** Months of the partitioned tables made ahead by the partitions job (0: the job does not run; tests keep their own months). */
  partitionMonthsAhead: number;
  /** Token buckets per address, per viewer and (stricter) per viewer for money mutations; off in tests unless asked for. */
  rateLimit: RateLimitSettings;
  /** Express `trust proxy`: false (the default: the socket's address is the client's), a hop count, or proxies' addresses. */
  trustProxy: false | number | string[];
  /** API_TUNING: the performance measures on (all by default; the bench turns them off one by one). */
  tuning: Set<Tuning>;
}

export interface WebhookSettings {
  /** Let webhooks reach loopback, private and link-local addresses (development and tests only). */
  allowPrivate: boolean;
  /** Run the delivery worker in this process (every API process may: they share the work safely). */
  worker: boolean;
  /** How long one POST may take before it counts as a failure (ms). */
  timeoutMs: number;
  /** How often an idle worker looks for events and due retries (ms). */
  pollMs: number;
}

export interface RateLimitSettings {
  enabled: boolean;
  addressPerMinute: number;
  viewerPerMinute: number;
  moneyPerMinute: number;
  /** Absent: buckets in each process's memory. */
  redisUrl: string | undefined;
  /** Prefix of every Redis key (several deployments, or test runs, may share one Redis). */
  redisPrefix: string;
  /** How long a take waits for Redis before this process counts in memory instead. */
  redisTimeoutMs: number;
}

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

/** Only for local development: printed at start so nobody mistakes it for a real secret. */
export const DEVELOPMENT_JWT_SECRET = "development-only-secret-change-me-0123456789";

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

type Env = Record<string, string | undefined>;

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const DURATION_UNITS: Record<string, number> = { s: 1, m: MINUTE, h: HOUR, d: DAY };

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const read = new EnvReader(env, problems);

  const environment = read.oneOf("NODE_ENV", ["development", "test", "production"] as const, "development");
  const databaseUrl = read.url("DATABASE_URL", ["postgres:", "postgresql:"]);
  if (environment === "production" && read.string("DATABASE_URL") === undefined) {
    problems.push("DATABASE_URL is required when NODE_ENV=production (the embedded PostgreSQL, with its fixed password, is for development only).");
  }
  const jwksUrl = read.url("JWKS_URL", environment === "production" ? ["https:"] : ["https:", "http:"]);
  let secret = read.string("JWT_SECRET");
  if (secret !== undefined && secret.length < 32) {
    problems.push("JWT_SECRET must be at least 32 characters long (use e.g. `openssl rand -base64 48`).");
  }
  if (secret === undefined && jwksUrl === undefined) {
    if (environment === "production") {
      problems.push("JWT_SECRET (or JWKS_URL) is required when NODE_ENV=production.");
    } else {
      secret = DEVELOPMENT_JWT_SECRET;
    }
  }

  const tuning = parseTuning(env.API_TUNING);
  if (tuning.problem) problems.push(tuning.problem);

  const config: Config = {
    environment,
    host: read.string("HOST") ?? "0.0.0.0",
    port: read.integer("PORT", 4000, 0, 65535),
    databaseUrl,
    databaseReplicaUrls: read.urls("DATABASE_REPLICA_URLS", ["postgres:", "postgresql:"]),
    databasePoolSize: read.integer("DATABASE_POOL_SIZE", 10, 1, 200),
    databaseWaitSeconds: read.integer("DATABASE_WAIT_SECONDS", 30, 0, 3600),
    drainSeconds: read.integer("DRAIN_SECONDS", 0, 0, 5),
    dataDir: read.string("DATA_DIR") ?? ".data",
    jwt: {
      secret,
      jwksUrl,
      issuer: read.string("JWT_ISSUER"),
      audience: read.string("JWT_AUDIENCE"),
      maxAgeSeconds: read.duration("JWT_MAX_AGE", 24 * HOUR, MINUTE, 31 * DAY),
    },
    demoData: read.boolean("DEMO_DATA", environment === "development"),
    limits: {
      maxDepth: read.integer("MAX_QUERY_DEPTH", 12, 2, 100),
      maxAliases: read.integer("MAX_QUERY_ALIASES", 30, 1, 1000),
      maxCost: read.integer("MAX_QUERY_COST", 50_000, 100, 10_000_000),
    },
    corsOrigins: read.origins("CORS_ORIGINS"),
    logLevel: read.oneOf("LOG_LEVEL", ["debug", "info", "warn", "error", "silent"] as const, environment === "test" ? "silent" : "info"),
    webhooks: {
      allowPrivate: read.boolean("WEBHOOK_ALLOW_PRIVATE", false),
      worker: read.boolean("WEBHOOK_WORKER", environment !== "test"),
      timeoutMs: read.integer("WEBHOOK_TIMEOUT_MS", 10_000, 100, 60_000),
      pollMs: read.integer("WEBHOOK_POLL_MS", 1_000, 10, 60_000),
    },
    plannerWorkers: read.integer("PLANNER_WORKERS", 1, 0, 16),
    partitionMonthsAhead: read.integer("PARTITION_MONTHS_AHEAD", environment === "test" ? 0 : 12, 0, 60),
    rateLimit: {
      enabled: read.boolean("RATE_LIMIT", environment !== "test"),
      addressPerMinute: read.integer("RATE_LIMIT_ADDRESS_PER_MINUTE", 1_200, 1, 1_000_000),
      viewerPerMinute: read.integer("RATE_LIMIT_PER_MINUTE", 600, 1, 1_000_000),
      moneyPerMinute: read.integer("RATE_LIMIT_MONEY_PER_MINUTE", 30, 1, 1_000_000),
      redisUrl: read.url("REDIS_URL", ["redis:", "rediss:"]),
      redisPrefix: read.string("RATE_LIMIT_PREFIX") ?? "ratelimit:",
      redisTimeoutMs: read.integer("RATE_LIMIT_REDIS_TIMEOUT_MS", 500, 10, 60_000),
    },
    trustProxy: read.trustProxy("TRUST_PROXY"),
    tuning: tuning.tunings,
  };
  if (environment === "production" && config.webhooks.allowPrivate)
    problems.push("WEBHOOK_ALLOW_PRIVATE is for development and tests: unset it in production.");
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

class EnvReader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  string(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === "" ? undefined : value;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}").`);
      return fallback;
    }
    return value;
  }

  /** Seconds, from "90", "90s", "30m", "24h" or "7d". */
  duration(name: string, fallback: number, min: number, max: number): number {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const match = /^(\d+)([smhd]?)$/.exec(raw);
    const value = match ? Number(match[1]) * DURATION_UNITS[match[2] || "s"] : NaN;
    if (!(value >= min && value <= max)) {
      this.problems.push(`${name} must be a duration from ${min}s to ${max / DAY}d, such as 3600, 30m, 24h or 7d (got "${raw}").`);
      return fallback;
    }
    return value;
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = this.string(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (["true", "1", "yes", "on"].includes(raw)) return true;
    if (["false", "0", "no", "off"].includes(raw)) return false;
    this.problems.push(`${name} must be true or false (got "${raw}").`);
    return fallback;
  }

  oneOf<const T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    this.problems.push(`${name} must be one of ${allowed.join(", ")} (got "${raw}").`);
    return fallback;
  }

  /**
   * Express's `trust proxy`, limited to what cannot be spoofed by accident: a number of proxy hops,
   * or the proxies' addresses and subnets (`loopback`, `10.0.0.0/8`…). `true` would believe any
   * X-Forwarded-For, so that anyone could pick the address their rate limit is counted under.
   */
  trustProxy(name: string): false | number | string[] {
    const raw = this.string(name);
    if (raw === undefined || ["false", "0", "off", "no"].includes(raw.toLowerCase())) return false;
    if (/^\d+$/.test(raw)) return this.integer(name, 0, 0, 10) || false;
    const listed = raw
      .split(",")
      .map((p) => p.trim())
      .filter((p) => p !== "");
    if (listed.some((p) => !/^[0-9a-fA-F.:/]+$|^(loopback|linklocal|uniquelocal)$/.test(p))) {
      this.problems.push(
        `${name} must be false, the number of proxies in front of the API (e.g. 1), or their addresses (e.g. loopback, 10.0.0.0/8) (got "${raw}").`,
      );
      return false;
    }
    return listed;
  }

  /** A comma-separated list of origins, each `scheme://host[:port]` exactly as browsers send it. */
  origins(name: string): string[] {
    const listed = (this.string(name) ?? "")
      .split(",")
      .map((o) => o.trim())
      .filter((o) => o !== "");
    const bad = listed.filter((o) => !isOrigin(o));
    if (bad.length > 0) {
      this.problems.push(`${name} must list origins such as https://app.example.org, separated by commas (got "${bad.join('", "')}").`);
    }
    return listed.filter(isOrigin);
  }

  /** A comma-separated list of URLs; each bad one is reported. */
  urls(name: string, protocols: string[]): string[] {
    const raw = this.string(name);
    if (raw === undefined) return [];
    return raw
      .split(",")
      .map((u) => u.trim())
      .filter(Boolean)
      .flatMap((u) => this.checkedUrl(name, u, protocols) ?? []);
  }

  url(name: string, protocols: string[]): string | undefined {
    const raw = this.string(name);
    return raw === undefined ? undefined : this.checkedUrl(name, raw, protocols);
  }

  private checkedUrl(name: string, raw: string, protocols: string[]): string | undefined {
    try {
      const url = new URL(raw);
      if (protocols.includes(url.protocol)) return raw;
    } catch {
      // reported below
    }
    this.problems.push(`${name} must be a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")} (got "${redact(raw)}").`);
    return undefined;
  }
}

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return ["http:", "https:"].includes(url.protocol) && url.origin === value;
  } catch {
    return false;
  }
}

/** Never echo a password from a connection string into logs. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
}
