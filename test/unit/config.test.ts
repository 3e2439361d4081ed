import { ConfigError, DEVELOPMENT_JWT_SECRET, loadConfig } from "../../src/config";

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("configuration", () => {
  it("starts in development with defaults and the development secret", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ environment: "development", port: 4000, databaseUrl: undefined, demoData: true });
    expect(config.jwt.secret).toBe(DEVELOPMENT_JWT_SECRET);
  });

  it("reports every bad value with what was expected", () => {
    const problems = problemsOf({
      PORT: "eighty",
      DATABASE_URL: "mysql://user:hunter2@db/market",
      NODE_ENV: "staging",
      DEMO_DATA: "maybe",
      JWT_SECRET: "short",
      JWKS_URL: "not a url",
    });
    expect(problems).toEqual([
      'NODE_ENV must be one of development, test, production (got "staging").',
      'DATABASE_URL must be a URL starting with postgres:// or postgresql:// (got "mysql://user:***@db/market").',
      'JWKS_URL must be a URL starting with https:// or http:// (got "not a url").',
      "JWT_SECRET must be at least 32 characters long (use e.g. `openssl rand -base64 48`).",
      'PORT must be a whole number from 0 to 65535 (got "eighty").',
      'DEMO_DATA must be true or false (got "maybe").',
    ]);
  });

  it("turns performance measures off by API_TUNING, refusing names it does not know; PLANNER_WORKERS sizes the solver pool", () => {
    expect([...loadConfig({}).tuning].sort()).toEqual(["http", "jit", "lazyLoaders", "rawLoaders"]);
    expect([...loadConfig({ API_TUNING: "none" }).tuning]).toEqual([]);
    expect([...loadConfig({ API_TUNING: "-jit,-http" }).tuning].sort()).toEqual(["lazyLoaders", "rawLoaders"]);
    expect([...loadConfig({ API_TUNING: "jit" }).tuning]).toEqual(["jit"]);
    expect(problemsOf({ API_TUNING: "-jit,turbo" })).toEqual([
      'API_TUNING names http, jit, lazyLoaders, rawLoaders (or all, none; "-name" to leave one out), not "turbo".',
    ]);
    expect(loadConfig({}).plannerWorkers).toBe(1);
    expect(loadConfig({ PLANNER_WORKERS: "0" }).plannerWorkers).toBe(0);
    expect(problemsOf({ PLANNER_WORKERS: "many" })).toEqual(['PLANNER_WORKERS must be a whole number from 0 to 16 (got "many").']);
  });

  it("never prints a database password", () => {
    expect(problemsOf({ DATABASE_URL: "mysql://app:s3cret@host/db" }).join()).not.toContain("s3cret");
  });

  const DATABASE_URL = "postgres://app:secret@db.internal:5432/market";

  it("refuses production without a signing key, and accepts JWKS instead", () => {
    expect(problemsOf({ NODE_ENV: "production", DATABASE_URL })).toEqual(["JWT_SECRET (or JWKS_URL) is required when NODE_ENV=production."]);
    expect(problemsOf({ NODE_ENV: "production", DATABASE_URL, JWKS_URL: "http://idp.example.org/jwks" })).toEqual([
      'JWKS_URL must be a URL starting with https:// (got "http://idp.example.org/jwks").',
      "JWT_SECRET (or JWKS_URL) is required when NODE_ENV=production.",
    ]);
    const config = loadConfig({ NODE_ENV: "production", DATABASE_URL, JWKS_URL: "https://idp.example.org/.well-known/jwks.json" });
    expect(config.jwt).toMatchObject({ secret: undefined, jwksUrl: "https://idp.example.org/.well-known/jwks.json" });
    expect(config.demoData).toBe(false);
  });

  it("webhooks: the worker runs outside tests; private addresses only outside production", () => {
    const JWT_SECRET = "a-production-secret-that-is-long-enough-0123";
    expect(loadConfig({ NODE_ENV: "development" }).webhooks).toEqual({ allowPrivate: false, worker: true, timeoutMs: 10_000, pollMs: 1_000 });
    expect(loadConfig({ NODE_ENV: "test", WEBHOOK_ALLOW_PRIVATE: "true" }).webhooks).toMatchObject({ allowPrivate: true, worker: false });
    expect(problemsOf({ NODE_ENV: "production", DATABASE_URL, JWT_SECRET, WEBHOOK_ALLOW_PRIVATE: "1" })).toEqual([
      "WEBHOOK_ALLOW_PRIVATE is for development and tests: unset it in production.",
    ]);
  });

  it("refuses production without DATABASE_URL: the embedded PostgreSQL is for development", () => {
    const JWT_SECRET = "a-production-secret-that-is-long-enough-0123";
    expect(problemsOf({ NODE_ENV: "production", JWT_SECRET })).toEqual([
      "DATABASE_URL is required when NODE_ENV=production (the embedded PostgreSQL, with its fixed password, is for development only).",
    ]);
    expect(loadConfig({ NODE_ENV: "production", JWT_SECRET, DATABASE_URL }).databaseUrl).toBe(DATABASE_URL);
    expect(loadConfig({ NODE_ENV: "development" }).databaseUrl).toBeUndefined();
  });

  it("waits 30 s for a database that is still starting, unless told otherwise", () => {
    expect(loadConfig({}).databaseWaitSeconds).toBe(30);
    expect(loadConfig({ DATABASE_WAIT_SECONDS: "0" }).databaseWaitSeconds).toBe(0);
    expect(problemsOf({ DATABASE_WAIT_SECONDS: "soon" })).toEqual(['DATABASE_WAIT_SECONDS must be a whole number from 0 to 3600 (got "soon").']);
  });

  it("checks ranges of numbers", () => {
    expect(problemsOf({ DATABASE_POOL_SIZE: "0", MAX_QUERY_DEPTH: "1000" })).toEqual([
      'DATABASE_POOL_SIZE must be a whole number from 1 to 200 (got "0").',
      'MAX_QUERY_DEPTH must be a whole number from 2 to 100 (got "1000").',
    ]);
  });

  it("bounds a token's life by JWT_MAX_AGE: 24 hours unless set, in seconds or with a unit", () => {
    expect(loadConfig({}).jwt.maxAgeSeconds).toBe(86_400);
    expect(loadConfig({ JWT_MAX_AGE: "30m" }).jwt.maxAgeSeconds).toBe(1_800);
    expect(loadConfig({ JWT_MAX_AGE: "7200" }).jwt.maxAgeSeconds).toBe(7_200);
    expect(problemsOf({ JWT_MAX_AGE: "10y" })).toEqual(['JWT_MAX_AGE must be a duration from 60s to 31d, such as 3600, 30m, 24h or 7d (got "10y").']);
    expect(problemsOf({ JWT_MAX_AGE: "90d" })).toHaveLength(1);
  });

  it("reads CORS_ORIGINS as exact origins, none by default", () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(loadConfig({ CORS_ORIGINS: "https://app.example.org, http://localhost:5173" }).corsOrigins).toEqual([
      "https://app.example.org",
      "http://localhost:5173",
    ]);
    expect(problemsOf({ CORS_ORIGINS: "https://app.example.org/path,*" })).toEqual([
      'CORS_ORIGINS must list origins such as https://app.example.org, separated by commas (got "https://app.example.org/path", "*").',
    ]);
  });
});
