/**
 * Row-level visibility for list queries. A filter must only ever narrow what the viewer may see, so
 * the viewer's scope is one bracketed condition that every later `andWhere` is AND-ed with.
 */
import type { ObjectLiteral, SelectQueryBuilder } from "typeorm";

/** `:name` or `:...name`, not the `::` of a cast. */
const PARAMETER = /(?<!:):(\.\.\.)?([A-Za-z_][A-Za-z0-9_]*)/g;

/**
 * Limits `query` to the rows any of `conditions` lets the viewer see (none: no row).
 *
 * TypeORM keeps one namespace of named parameters per query and the last value bound to a name wins,
 * so a filter's `:clientId` once rebound the viewer's own and showed another client's bookings. The
 * scope's parameters are therefore renamed `scope_<name>`, a prefix no filter uses.
 */
export function restrictTo<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  conditions: string[],
  params: Record<string, unknown>,
): SelectQueryBuilder<T> {
  if (conditions.length === 0) return query.where("false");
  const bound: Record<string, unknown> = {};
  const renamed = conditions.map((sql) =>
    sql.replace(PARAMETER, (_match, spread: string | undefined, name: string) => {
      if (!(name in params)) throw new Error(`scope parameter :${name} has no value`);
      bound[`scope_${name}`] = params[name];
      return `:${spread ?? ""}scope_${name}`;
    }),
  );
  return query.where(`(${renamed.map((sql) => `(${sql})`).join(" OR ")})`, bound);
}
