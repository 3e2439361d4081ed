/**
 * API tests run GraphQL in-process through Apollo's executeOperation, with a real context and
 * a real database. `useApi()` builds the app once per test file and empties the database before
 * every test.
 */
import { randomUUID } from "node:crypto";
import type { DataSource } from "typeorm";
import { createApp, type App } from "../../src/app";
import { loadConfig, type Config } from "../../src/config";
import { newcomerViewer, viewerOf } from "../../src/modules/auth";
import type { UserEntity } from "../../src/modules/auth/user.entity";
import type { Viewer } from "../../src/shared/auth";
import { SERVICE_UNAVAILABLE } from "../../src/shared/errors";
import { MovableClock } from "../../src/shared/time";
import { resetDb, workerDatabaseUrl } from "./db";
import { SqlCounter } from "./sql-counter";

/** A fresh idempotency key: each call a new request. */
export const aKey = (): string => randomUUID();

export const TEST_JWT_SECRET = "test-secret-that-is-long-enough-for-hs256-0123456789";

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

/** A clock the tests set and move; real time until they do. */
export const TestClock = MovableClock;
export type TestClock = MovableClock;

const RETRIES_WHEN_UNAVAILABLE = 5;

export interface TestApi {
  app: App;
  db: DataSource;
  sql: SqlCounter;
  clock: TestClock;
  /** Runs an operation as `as` (a user, or null for anonymous); returns data and errors as a client sees them. */
  execute<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, options?: { as?: UserEntity | null }): Promise<GraphQLResponse<T>>;
  /**
   * Like execute, but retries an answer of SERVICE_UNAVAILABLE (the pool gave up waiting: nothing was done)
   * as a client would. Concurrency tests fire hundreds of requests at one row lock; on a loaded machine the
   * last of them can wait longer than the pool allows, which is load shedding, not the defect they look for.
   */
  executeRetrying<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    options?: { as?: UserEntity | null },
  ): Promise<GraphQLResponse<T>>;
  /** Like execute, but fails the test on any top-level error. */
  data<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, options?: { as?: UserEntity | null }): Promise<T>;
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: "test", JWT_SECRET: TEST_JWT_SECRET, DEMO_DATA: "false", LOG_LEVEL: "silent", DATABASE_POOL_SIZE: "20", ...overrides });
}

/** Marks a user object as a newcomer's: a signed-in person with no user row (aNewcomer). */
const NEWCOMER = Symbol("newcomer");

/** A person with a valid token whose subject no user has yet, as `as` in execute. */
export function aNewcomer(subject = "idp|newcomer", email = "newcomer@example.org"): UserEntity {
  const viewer = newcomerViewer({ subject, email, displayName: "New Comer" });
  return Object.assign(
    { id: viewer.userId, email, displayName: "New Comer", subject, roles: [], providerId: null, fundingBodyCode: null, clientId: null, createdAt: new Date() },
    { [NEWCOMER]: true },
  );
}

export function viewerFor(user: UserEntity | null | undefined): Viewer | null {
  if (user && NEWCOMER in user) return newcomerViewer({ subject: user.subject, email: user.email, displayName: user.displayName });
  return user ? viewerOf(user) : null;
}

export function useApi(overrides: Record<string, string> = {}): TestApi {
  const api = {} as TestApi;
  beforeAll(async () => {
    const sql = new SqlCounter();
    const clock = new TestClock();
    const app = await createApp(testConfig(overrides), { databaseUrl: await workerDatabaseUrl(), sqlLogger: sql, clock });
    const execute: TestApi["execute"] = async (query, variables, options) => {
      const response = await app.apollo.executeOperation({ query, variables }, { contextValue: app.contextFor(viewerFor(options?.as)) });
      if (response.body.kind !== "single") throw new Error("incremental delivery is not used");
      // Through JSON, as a client receives it (DateTime values become strings).
      return JSON.parse(JSON.stringify(response.body.singleResult)) as GraphQLResponse<never>;
    };
    const executeRetrying: TestApi["execute"] = async <T>(query: string, variables?: Record<string, unknown>, options?: { as?: UserEntity | null }) => {
      for (let attempt = 1; ; attempt++) {
        const result = await execute<T>(query, variables, options);
        const unavailable = result.errors?.length && result.errors.every((e) => e.extensions?.code === SERVICE_UNAVAILABLE);
        if (!unavailable || attempt === RETRIES_WHEN_UNAVAILABLE) return result;
      }
    };
    Object.assign(api, {
      app,
      db: app.db,
      sql,
      clock,
      execute,
      executeRetrying,
      async data(query: string, variables?: Record<string, unknown>, options?: { as?: UserEntity | null }) {
        const result = await execute(query, variables, options);
        if (result.errors?.length) throw new Error(`Unexpected GraphQL errors: ${JSON.stringify(result.errors, null, 2)}`);
        return result.data;
      },
    });
  });
  beforeEach(async () => {
    api.clock.reset();
    await resetDb(api.db);
  });
  afterAll(async () => {
    await api.app?.stop();
  });
  return api;
}

/** The codes of a payload's userErrors, for compact assertions. */
export function errorCodes(payload: { userErrors: { code: string }[] }): string[] {
  return payload.userErrors.map((e) => e.code);
}
