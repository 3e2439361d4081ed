/**
 * Database helpers shared by every module: transactions, PostgreSQL error codes (the database
 * guards the invariants; services turn violations into userErrors), and hydration of hand-written
 * joined queries into entities so one statement can feed several loaders.
 */
import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { Client, type Pool, type PoolClient } from "pg";
import type { Result } from "./errors";
import { tuned } from "./tuning";
import { connectionFailureReason, isConnectionError } from "./connection-errors";
import { QueryFailedError, type DataSource, type EntityManager, type EntityMetadata, type ObjectLiteral, type QueryDeepPartialEntity } from "typeorm";

export type IsolationLevel = "READ COMMITTED" | "REPEATABLE READ" | "SERIALIZABLE";

export function transaction<T>(db: DataSource, work: (tx: EntityManager) => Promise<T>, isolation: IsolationLevel = "READ COMMITTED"): Promise<T> {
  return db.transaction(isolation, work);
}

export const PgCode = {
  UNIQUE_VIOLATION: "23505",
  FOREIGN_KEY_VIOLATION: "23503",
  CHECK_VIOLATION: "23514",
  EXCLUSION_VIOLATION: "23P01",
  SERIALIZATION_FAILURE: "40001",
  DEADLOCK_DETECTED: "40P01",
} as const;

export interface PgErrorInfo {
  code: string;
  constraint: string | undefined;
  detail: string | undefined;
}

/** The PostgreSQL error behind a TypeORM or pg error, if it is one. */
export function pgError(error: unknown): PgErrorInfo | null {
  const driverError: unknown = error instanceof QueryFailedError ? error.driverError : error;
  if (typeof driverError !== "object" || driverError === null || !("code" in driverError)) return null;
  const { code, constraint, detail } = driverError as { code: unknown; constraint?: string; detail?: string };
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? { code, constraint, detail } : null;
}

export interface WaitOptions {
  /** Give up after this long (a database that is still starting gets this much time). */
  timeoutMs: number;
  /** Stops waiting (a signal to stop the process). */
  signal?: AbortSignal;
  /** Called once, when the first attempt fails but there is time to try again. */
  onWait?: (reason: string) => void;
}

/**
 * Resolves when PostgreSQL at `url` answers a query, trying again while the failure is one of
 * connection (refused, starting up, …) and time remains; throws the last error otherwise, and at
 * once for errors that waiting does not cure (a wrong password, a missing database).
 */
export async function waitForDatabase(url: string, { timeoutMs, signal, onWait }: WaitOptions): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0, delay = 200; ; attempt++, delay = Math.min(delay * 2, 2_000)) {
    signal?.throwIfAborted();
    const client = new Client({ connectionString: url, connectionTimeoutMillis: Math.max(1_000, Math.min(5_000, deadline - Date.now())) });
    client.on("error", () => undefined); // a connection lost between tries is reported by the query
    try {
      await client.connect();
      await client.query("SELECT 1");
      return;
    } catch (error) {
      if (!isConnectionError(error) || Date.now() + delay > deadline) throw error;
      if (attempt === 0) onWait?.(connectionFailureReason(error));
    } finally {
      await client.end().catch(() => undefined);
    }
    await sleep(delay, undefined, { signal });
  }
}

/** True when `error` is a violation of `constraint` (by name) with the given SQLSTATE. */
export function isViolation(error: unknown, code: string, constraint?: string): boolean {
  const pg = pgError(error);
  return pg !== null && pg.code === code && (constraint === undefined || pg.constraint === constraint);
}

/** `alias.col AS "alias.col", …` for every column of an entity, for hand-written joins. */
export function selectColumns(metadata: EntityMetadata, alias: string): string {
  return metadata.columns.map((c) => `${alias}.${c.databaseName} AS "${alias}.${c.databaseName}"`).join(", ");
}

/**
 * Column types whose values pg already parses into what the entity holds (src/shared/pg-types.ts),
 * for which TypeORM's `prepareHydratedValue` would only copy: assigned as they come (tuning `rawLoaders`).
 */
const AS_PARSED = new Set<unknown>([
  "uuid",
  "varchar",
  "character varying",
  "text",
  "int",
  "integer",
  "int4",
  "smallint",
  "boolean",
  "bool",
  Boolean,
  String,
  "timestamptz",
  "timestamp with time zone",
  "jsonb",
  "json",
]);

function parsedAsIs(column: EntityMetadata["columns"][number]): boolean {
  if (column.transformer) return false;
  if (column.type === "enum" || column.type === "simple-enum") return !column.isArray && !(column.enum ?? []).some((v) => typeof v === "number");
  return AS_PARSED.has(column.type);
}

/** Turns rows selected with `selectColumns(metadata, alias)` into entities, transformers applied. */
export function hydrator<T extends ObjectLiteral>(metadata: EntityMetadata, alias: string): (row: Record<string, unknown>) => T {
  const driver = metadata.connection.driver;
  const fast = tuned("rawLoaders");
  const fields = metadata.columns.map((column) => ({
    key: `${alias}.${column.databaseName}`,
    property: column.propertyName,
    column,
    asIs: fast && parsedAsIs(column),
  }));
  return (row) => {
    const entity = metadata.create() as Record<string, unknown>;
    for (const { key, property, column, asIs } of fields) entity[property] = asIs ? row[key] : driver.prepareHydratedValue(row[key], column);
    return entity as T;
  };
}

/**
 * Runs `work` in a transaction that commits when it returns a success and rolls back when it
 * returns a failure (or throws), so a use case can refuse halfway without leaving partial rows.
 */
export async function transactionResult<T>(
  db: DataSource,
  work: (tx: EntityManager) => Promise<Result<T>>,
  isolation: IsolationLevel = "READ COMMITTED",
): Promise<Result<T>> {
  try {
    return await db.transaction(isolation, async (tx) => {
      const result = await work(tx);
      if (!result.ok) throw new Rollback(result);
      return result;
    });
  } catch (error) {
    if (error instanceof Rollback) return error.result;
    throw error;
  }
}

class Rollback<T> extends Error {
  constructor(readonly result: Result<T>) {
    super("rolled back");
  }
}

/** Runs pending migrations; an advisory lock makes instances starting together take turns. */
export async function runMigrations(db: DataSource): Promise<number> {
  const lock = db.createQueryRunner();
  await lock.connect();
  try {
    await lock.query("SELECT pg_advisory_lock(hashtext('marketplace:migrations'))");
    const applied = await db.runMigrations({ transaction: "each" });
    return applied.length;
  } finally {
    await lock.query("SELECT pg_advisory_unlock(hashtext('marketplace:migrations'))").catch(() => undefined);
    await lock.release();
  }
}

/**
 * Inserts rows that carry every value already (ids from newId, times from the clock), without
 * TypeORM's RETURNING of defaults: one statement, and no raw values merged back into the entities.
 */
export async function insertRows<T extends ObjectLiteral>(tx: EntityManager, entity: new () => T, rows: QueryDeepPartialEntity<T>[]): Promise<void> {
  if (rows.length > 0) await tx.createQueryBuilder().insert().into(entity).values(rows).updateEntity(false).execute();
}

/** Names of prepared statements by their text (a hash each time would cost more than the look-up). */
const statementNames = new Map<string, string>();

function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (name === undefined) {
    name = `q${createHash("sha1").update(sql).digest("hex").slice(0, 20)}`;
    if (statementNames.size < 10_000) statementNames.set(sql, name);
  }
  return name;
}

/**
 * A read outside any transaction, as a named prepared statement: PostgreSQL parses and plans each
 * distinct statement once per connection instead of on every request. For hot, complex reads (the
 * catalogue search). Logged like every TypeORM query, so statement counts stay honest.
 */
export async function preparedQuery<T = Record<string, unknown>>(db: DataSource, sql: string, params: unknown[]): Promise<T[]> {
  return primaryReader(db).query<T>(sql, params);
}

/** Planner settings for one statement, by name: `{ enable_mergejoin: "off" }`. */
export type PlannerSettings = Readonly<Record<string, string>>;

/** Where a read that tolerates lag runs: `query` on a replica when there is one, else the primary. */
export interface ReplicaReader {
  query<T = Record<string, unknown>>(sql: string, params: unknown[]): Promise<T[]>;
  /**
   * `query` with planner settings for that statement alone: SET LOCAL in a read-only transaction of
   * its own, so the connection goes back to the pool as it came. For a statement whose plan the
   * planner's estimates get wrong, such as joins to CTEs, which it cannot count.
   */
  queryWith<T = Record<string, unknown>>(settings: PlannerSettings, sql: string, params: unknown[]): Promise<T[]>;
}

/** The primary as a reader, for the reads of reports that must see the viewer's own writes. */
export function primaryReader(db: DataSource): ReplicaReader {
  return poolReader(db, (db.driver as unknown as { master: Pool }).master);
}

/**
 * Runs `read` on a streaming replica (DATABASE_REPLICA_URLS), for reads that tolerate lag: catalogue
 * search, the Open Referral feed, reports. Everything else reads the primary, so a viewer sees their
 * own writes. A replica that cannot be reached falls back to the primary for that read, and the
 * primary being down does not stop a replica read. Without replicas it is the primary.
 */
export async function onReplica<T>(db: DataSource, read: (reader: ReplicaReader) => Promise<T>): Promise<T> {
  const { master, slaves } = db.driver as unknown as { master: Pool; slaves: Pool[] };
  if (!slaves.length) return read(poolReader(db, master));
  const replica = slaves[Math.floor(Math.random() * slaves.length)];
  try {
    return await read(poolReader(db, replica));
  } catch (error) {
    if (!isConnectionError(error)) throw error;
    return read(poolReader(db, master));
  }
}

function poolReader(db: DataSource, pool: Pool): ReplicaReader {
  return {
    query: (sql, params) => preparedOn(pool, db, sql, params),
    queryWith: async <T>(settings: PlannerSettings, sql: string, params: unknown[]) => {
      const begin = `BEGIN READ ONLY; ${Object.entries(settings)
        .map(([name, value]) => `SET LOCAL ${settingName(name)} = ${settingValue(value)}`)
        .join("; ")}`;
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await simpleQueryOn(client, db, begin);
        const rows = await preparedOn<T>(client, db, sql, params);
        await simpleQueryOn(client, db, "COMMIT");
        return rows;
      } catch (error) {
        await client.query("ROLLBACK").catch((rollback: Error) => (broken = rollback));
        throw error;
      } finally {
        client.release(broken);
      }
    },
  };
}

/** Settings are the code's own, never a request's: a name or value of another form is a defect. */
function settingName(name: string): string {
  if (!/^[a-z_]+$/.test(name)) throw new Error(`Not a planner setting: ${name}`);
  return name;
}

function settingValue(value: string): string {
  if (!/^[A-Za-z0-9_.]+$/.test(value)) throw new Error(`Not a planner setting's value: ${value}`);
  return value;
}

/** Statements without parameters (so several may go at once) on a client, logged, a failure a QueryFailedError. */
async function simpleQueryOn(client: PoolClient, db: DataSource, sql: string): Promise<void> {
  db.logger.logQuery(sql);
  try {
    await client.query(sql);
  } catch (error) {
    throw new QueryFailedError(sql, [], error as Error);
  }
}

async function preparedOn<T>(on: Pool | PoolClient, db: DataSource, sql: string, params: unknown[]): Promise<T[]> {
  db.logger.logQuery(sql, params);
  try {
    const result = await on.query({ name: statementName(sql), text: sql, values: params });
    return result.rows as T[];
  } catch (error) {
    throw new QueryFailedError(sql, params, error as Error);
  }
}
