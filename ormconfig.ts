/**
 * The one TypeORM DataSource definition, used by the application, the tests and the TypeORM CLI
 * (`typeorm-ts-node-commonjs -d ormconfig.ts …`). Schema changes only ever go through migrations.
 */
import "reflect-metadata";
import type { ClientBase } from "pg";
import { DataSource, DefaultNamingStrategy, type Logger, type NamingStrategyInterface, type Table } from "typeorm";
import { migrations } from "./migrations";
import { entities } from "./src/modules";
import { pgTypes, SESSION_OPTIONS } from "./src/shared/pg-types";

interface DataSourceSettings {
  url: string;
  /** Streaming replicas; TypeORM reads on the primary unless a read asks for one (`onReplica`). */
  replicaUrls?: string[];
  poolSize?: number;
  logger?: Logger;
}

export function createDataSource({ url, replicaUrls = [], poolSize = 10, logger }: DataSourceSettings): DataSource {
  // With replicas every read stays on the primary by default (a viewer sees their own writes);
  // only the reads that tolerate lag go to a replica, through `onReplica` in src/shared/db.ts.
  const connection = replicaUrls.length
    ? { replication: { master: { url }, slaves: replicaUrls.map((u) => ({ url: u })), defaultMode: "master" as const } }
    : { url };
  return new DataSource({
    type: "postgres",
    ...connection,
    entities,
    migrations,
    migrationsTransactionMode: "each",
    synchronize: false,
    migrationsRun: false,
    installExtensions: false, // extensions are created by migrations, like everything else
    namingStrategy: new SnakeNamingStrategy(),
    poolSize,
    // pg's one timeout covers both connecting and waiting for a free pooled connection. Bookings of
    // one budget queue on its lock while holding a connection, so a burst on one budget waits here
    // legitimately; 30 s, then SERVICE_UNAVAILABLE. A database that is down refuses at once and
    // does not wait this long (ECONNREFUSED).
    extra: { idleTimeoutMillis: 30_000, connectionTimeoutMillis: 30_000, options: SESSION_OPTIONS, types: pgTypes, onConnect: keepErrorsHandled },
    logger,
    logging: logger ? ["query", "error"] : ["error"],
  });
}

/**
 * Every pooled connection keeps an 'error' listener for its whole life. When the server dies, a
 * connection can report twice (the FATAL message, then the closed socket): TypeORM's listener on a
 * checked-out connection hears the first and releases it, removing itself, and an 'error' event with
 * no listener would end the process. What each error means is already answered where it matters
 * (the query's promise rejects; the pool reports idle connections' errors), so the second is let go.
 */
function keepErrorsHandled(client: ClientBase): void {
  client.on("error", () => undefined);
}

/** Tables `users`, columns `display_name`, constraints `fk_users_provider_id`: readable in SQL and in errors. */
export class SnakeNamingStrategy extends DefaultNamingStrategy implements NamingStrategyInterface {
  override tableName(targetName: string, userSpecifiedName: string | undefined): string {
    return userSpecifiedName ?? snake(targetName.replace(/Entity$/, ""));
  }

  override columnName(propertyName: string, customName: string | undefined, prefixes: string[]): string {
    return snake([...prefixes, customName ?? propertyName].join("_"));
  }

  override primaryKeyName(table: Table | string): string {
    return `pk_${tableOf(table)}`;
  }

  override uniqueConstraintName(table: Table | string, columns: string[]): string {
    return `uq_${tableOf(table)}_${columns.join("_")}`;
  }

  override foreignKeyName(table: Table | string, columns: string[]): string {
    return `fk_${tableOf(table)}_${columns.join("_")}`;
  }

  override indexName(table: Table | string, columns: string[]): string {
    return `idx_${tableOf(table)}_${columns.join("_")}`;
  }
}

function tableOf(table: Table | string): string {
  const name = typeof table === "string" ? table : table.name;
  return name.split(".").pop() ?? name;
}

function snake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

/** For the TypeORM CLI only; `npm run migration:*` sets DATABASE_URL (to the embedded server if need be). */
export const cliDataSource = createDataSource({ url: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/market" });
