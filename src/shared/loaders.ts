/**
 * DataLoader batch helpers: one `= ANY($1)` query per batch, results returned in key order with
 * null (or an empty list) for keys that matched nothing, as DataLoader requires.
 */
import DataLoader from "dataloader";
import { In, type FindOptionsWhere, type ObjectLiteral, type Repository } from "typeorm";

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

/** A loader of entities by a unique column (usually the primary key). */
export function loaderByKey<E extends ObjectLiteral, K extends keyof E & string>(repository: Repository<E>, key: K): DataLoader<E[K], E | null> {
  return new DataLoader<E[K], E | null>(async (keys) => {
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
