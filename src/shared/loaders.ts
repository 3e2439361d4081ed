/**
 * DataLoader batch helpers: one `= ANY($1)` query per batch, results returned in key order with
 * null (or an empty list) for keys that matched nothing, as DataLoader requires.
 */
import DataLoader from "dataloader";
import { In, type EntityMetadata, type FindOptionsWhere, type ObjectLiteral, type Repository } from "typeorm";
import { hydrator, preparedQuery, selectColumns } from "./db";
import { afterCursor, Connection, cursorIn, type Keyset, type PageRequest } from "./pagination";
import { tuned } from "./tuning";

export function inKeyOrder<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): (V | null)[] {
  const byKey = new Map<K, V>();
  for (const row of rows) byKey.set(keyOf(row), row);
  return keys.map((key) => byKey.get(key) ?? null);
}

export function groupedInKeyOrder<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): V[][] {
  const groups = new Map<K, V[]>(keys.map((key) => [key, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((key) => groups.get(key) ?? []);
}

/**
 * A DataLoader that also answers synchronously for values it was primed with. graphql-js
 * completes a list without a promise per item when every field resolves synchronously, so a
 * page whose relations came with it (primed) costs no extra microtasks.
 */
export class PrimedLoader<K, V> extends DataLoader<K, V> {
  private readonly primed = new Map<K, V>();

  override prime(key: K, value: V | PromiseLike<V> | Error): this {
    if (!(value instanceof Error) && !isPromiseLike(value)) this.primed.set(key, value);
    return super.prime(key, value);
  }

  override clear(key: K): this {
    this.primed.delete(key);
    return super.clear(key);
  }

  /** The primed value at once, or a promise of the loaded one. */
  loadNow(key: K): V | Promise<V> {
    return this.primed.has(key) ? (this.primed.get(key) as V) : this.load(key);
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && "then" in value;
}

interface KeyRead {
  sql: string;
  hydrate: (row: Record<string, unknown>) => ObjectLiteral;
}

/** Per entity and key column: the statement and hydrator of a batch, built once per process. */
const keyReads = new WeakMap<EntityMetadata, Map<string, KeyRead>>();

function keyRead(metadata: EntityMetadata, key: string): KeyRead {
  let reads = keyReads.get(metadata);
  if (!reads) keyReads.set(metadata, (reads = new Map<string, KeyRead>()));
  let read = reads.get(key);
  if (!read) {
    const column = metadata.findColumnWithPropertyName(key);
    if (!column) throw new Error(`${metadata.name} has no column ${key}`);
    const table = metadata.tablePath
      .split(".")
      .map((part) => `"${part}"`)
      .join(".");
    read = { sql: `SELECT ${selectColumns(metadata, "t")} FROM ${table} t WHERE t.${column.databaseName} = ANY($1)`, hydrate: hydrator(metadata, "t") };
    reads.set(key, read);
  }
  return read;
}

/** A loader of entities by a unique column (usually the primary key). */
export function loaderByKey<E extends ObjectLiteral, K extends keyof E & string>(repository: Repository<E>, key: K): PrimedLoader<E[K], E | null> {
  if (tuned("rawLoaders")) {
    const { sql, hydrate } = keyRead(repository.metadata, key);
    return new PrimedLoader<E[K], E | null>(async (keys) => {
      const rows = (await preparedQuery(repository.manager.connection, sql, [keys])).map(hydrate) as E[];
      return inKeyOrder(keys, rows, (row) => row[key]);
    });
  }
  return new PrimedLoader<E[K], E | null>(async (keys) => {
    const rows = await repository.find({ where: { [key]: In(keys as E[K][]) } as FindOptionsWhere<E> });
    return inKeyOrder(keys, rows, (row) => row[key]);
  });
}

/** A loader of all entities sharing a foreign key, for small bounded children. */
export function loaderByForeignKey<E extends ObjectLiteral, K extends keyof E & string>(repository: Repository<E>, key: K): DataLoader<E[K], E[]> {
  return new DataLoader<E[K], E[]>(async (keys) => {
    const rows = await repository.find({ where: { [key]: In(keys as E[K][]) } as FindOptionsWhere<E> });
    return groupedInKeyOrder(keys, rows, (row) => row[key]);
  });
}

/**
 * Loaders of a page of each parent's children in a keyset order, one per distinct page arguments:
 * a connection field of a list's nodes (each budget's ledger, each booking's visits) is one
 * windowed statement for the whole list, not one per node. `parentKey` is the children's column
 * naming their parent; the keyset's SQL uses the alias `c`.
 */
export function pagesByParent<E extends ObjectLiteral, K extends keyof E & string>(
  repository: Repository<E>,
  parentKey: K,
  keyset: Keyset<E>,
): (page: PageRequest) => DataLoader<E[K], E[]> {
  const metadata = repository.metadata;
  const parent = metadata.findColumnWithPropertyName(parentKey)!.databaseName;
  const order = keyset.keys.map((key) => `${key.sql} ${keyset.direction}`).join(", ");
  const loaders = new Map<string, DataLoader<E[K], E[]>>();
  return ({ first, after }) => {
    const pageKey = `${first}:${after ?? ""}`;
    let loader = loaders.get(pageKey);
    if (!loader) {
      loader = new DataLoader<E[K], E[]>(async (parents) => {
        const params: unknown[] = [parents, first + 1];
        const afterRow = after ? `AND ${afterCursor(keyset, after, (value) => `$${params.push(value)}`)}` : "";
        const rows: Record<string, unknown>[] = await repository.manager.connection.query(
          `SELECT ${selectColumns(metadata, "c")} FROM (
             SELECT c.*, row_number() OVER (PARTITION BY c.${parent} ORDER BY ${order}) AS n
             FROM "${metadata.tableName}" c WHERE c.${parent} = ANY($1) ${afterRow}
           ) c WHERE c.n <= $2 ORDER BY ${order}`,
          params,
        );
        return groupedInKeyOrder(parents, rows.map(hydrator<E>(metadata, "c")), (row) => row[parentKey]);
      });
      loaders.set(pageKey, loader);
    }
    return loader;
  };
}

/**
 * A parent's connection of children (a page of `pagesByParent`, `totalCount` by `countsByParent`),
 * batched across every parent of the request.
 */
export function connectionsByParent<E extends ObjectLiteral, K extends keyof E & string>(
  repository: Repository<E>,
  parentKey: K,
  keyset: Keyset<E>,
): (parent: E[K], page: PageRequest) => Promise<Connection<E>> {
  const pages = pagesByParent(repository, parentKey, keyset);
  const counts = countsByParent(repository, parentKey);
  return async (parent, page) =>
    new Connection(
      await pages(page).load(parent),
      page.first,
      (row) => cursorIn(keyset, row),
      () => counts.load(parent),
    );
}

/** A loader of how many children each parent has (a connection's totalCount, asked only when selected). */
function countsByParent<E extends ObjectLiteral, K extends keyof E & string>(repository: Repository<E>, parentKey: K): DataLoader<E[K], number> {
  const metadata = repository.metadata;
  const parent = metadata.findColumnWithPropertyName(parentKey)!.databaseName;
  return new DataLoader<E[K], number>(async (parents) => {
    const rows: { parent: E[K]; n: number }[] = await repository.manager.connection.query(
      `SELECT ${parent} AS parent, count(*)::int AS n FROM "${metadata.tableName}" WHERE ${parent} = ANY($1) GROUP BY ${parent}`,
      [parents],
    );
    const counts = new Map(rows.map((r) => [r.parent, r.n]));
    return parents.map((p) => counts.get(p) ?? 0);
  });
}
