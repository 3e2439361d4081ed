/**
 * Relay connections with keyset cursors. Every unbounded list is one of these, capped at 100 per page.
 * A cursor is base64url JSON of [order, ...sort values, id]: it only continues the list and order
 * it came from, and keeps its place when rows are inserted or removed meanwhile (no OFFSET).
 */
import { Max, Min } from "class-validator";
import { ArgsType, Field, Int, ObjectType, type ClassType } from "type-graphql";
import type { ObjectLiteral, SelectQueryBuilder } from "typeorm";
import { badUserInput } from "./errors";
import { isUuid } from "./ids";
import { isValidText } from "./validation";

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

@ArgsType()
export class PageArgs {
  @Field(() => Int, { defaultValue: DEFAULT_PAGE_SIZE, description: `How many items, from 0 to ${MAX_PAGE_SIZE}.` })
  @Min(0)
  @Max(MAX_PAGE_SIZE)
  first: number = DEFAULT_PAGE_SIZE;

  @Field(() => String, { nullable: true, description: "The `endCursor` of the previous page." })
  after?: string | null;
}

/** What a service is asked for: a page size and where to continue (PageArgs is its GraphQL form). */
export interface PageRequest {
  first: number;
  after?: string | null;
}

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field({ description: "Always false when paginating forward with `first`/`after`." })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

/** The runtime value of every connection. Cursors are encoded, and COUNT run, only when selected. */
export class Connection<T> {
  readonly nodes: T[];
  readonly edges: Edge<T>[];

  constructor(
    rows: T[],
    first: number,
    private readonly cursorOf: (row: T) => string,
    private readonly count: () => Promise<number>,
    private readonly hasNextPage = rows.length > first,
  ) {
    this.nodes = rows.length > first ? rows.slice(0, first) : rows;
    this.edges = this.nodes.map((node) => new Edge(node, cursorOf));
  }

  get pageInfo(): PageInfo {
    const last = this.nodes.at(-1);
    return {
      hasNextPage: this.hasNextPage,
      hasPreviousPage: false,
      startCursor: this.nodes.length ? this.cursorOf(this.nodes[0]) : null,
      endCursor: last !== undefined ? this.cursorOf(last) : null,
    };
  }

  get totalCount(): Promise<number> {
    return this.count();
  }
}

class Edge<T> {
  constructor(
    readonly node: T,
    private readonly cursorOf: (row: T) => string,
  ) {}

  get cursor(): string {
    return this.cursorOf(this.node);
  }
}

/** Declares `<Name>Connection` and `<Name>Edge` for a node type. */
export function connectionType<T extends object>(nodeType: ClassType<T>, name: string = nodeType.name): ClassType {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field({ description: "Pass as `after` to continue after this item." })
    cursor!: string;

    @Field(() => nodeType)
    node!: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionType {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => [nodeType], { description: "The nodes of `edges`, for clients that need no cursors." })
    nodes!: T[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int, { description: "All items matching the arguments, on every page (counted only when asked for)." })
    totalCount!: number;
  }
  return ConnectionType;
}

export type CursorValue = string | number | boolean | null;

export function encodeCursor(order: string, values: CursorValue[]): string {
  return Buffer.from(JSON.stringify([order, ...values]), "utf8").toString("base64url");
}

/** The sort values in `cursor`, which must come from the same `order` with `arity` values. */
export function decodeCursor(cursor: string, order: string, arity: number): CursorValue[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    parsed = null;
  }
  // A cursor is the client's to hold, so its values are read as input: each must be one this API
  // could have written (the last is always an id), or PostgreSQL's casts would fail inside.
  const valid =
    Array.isArray(parsed) &&
    parsed.length === arity + 1 &&
    parsed[0] === order &&
    parsed.slice(1).every(isCursorValue) &&
    typeof parsed[arity] === "string" &&
    isUuid(parsed[arity]);
  if (!valid) throw notACursor();
  return (parsed as CursorValue[]).slice(1);
}

function notACursor() {
  return badUserInput("`after` is not a cursor of this list in this order. Start again without `after`.", "after");
}

function isCursorValue(value: unknown): value is CursorValue {
  if (value === null || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isSafeInteger(value);
  return typeof value === "string" && value.length <= 500 && isValidText(value);
}

/** The values each cast accepts, so that a forged cursor is refused before the database sees it. */
const CAST_ACCEPTS: Record<string, (value: CursorValue) => boolean> = {
  uuid: (v) => typeof v === "string" && isUuid(v),
  int: (v) => typeof v === "number" && Math.abs(v) <= 2_147_483_647,
  timestamptz: (v) => typeof v === "string" && !Number.isNaN(Date.parse(v)) && /^\d{4}-\d{2}-\d{2}T/.test(v),
};

/** One sort key of a keyset order: its SQL expression, the cast of a cursor's value for it, and a row's value. */
export interface KeyColumn<T> {
  sql: string;
  cast?: string;
  of: (row: T) => CursorValue;
}

/**
 * A keyset order: the name its cursors carry, its sort keys (most significant first, the last one
 * unique: the id), and one direction for all of them.
 */
export interface Keyset<T> {
  name: string;
  keys: KeyColumn<T>[];
  direction: "ASC" | "DESC";
}

/** The cursor of `row` in `keyset`. */
export function cursorIn<T>(keyset: Keyset<T>, row: T): string {
  return encodeCursor(
    keyset.name,
    keyset.keys.map((key) => key.of(row)),
  );
}

/**
 * The SQL condition "after the row of cursor `after`" for a raw statement: `(k1, k2) > ($n, $m)`
 * (`<` descending). `param` binds a value and returns its placeholder.
 */
export function afterCursor<T>(keyset: Keyset<T>, after: string, param: (value: CursorValue) => string): string {
  const values = decodeCursor(after, keyset.name, keyset.keys.length);
  const castable = keyset.keys.every((key, i) => !key.cast || (CAST_ACCEPTS[key.cast]?.(values[i]) ?? true));
  if (!castable) throw notACursor();
  const placeholders = keyset.keys.map((key, i) => `${param(values[i])}${key.cast ? `::${key.cast}` : ""}`);
  return `(${keyset.keys.map((key) => key.sql).join(", ")}) ${keyset.direction === "ASC" ? ">" : "<"} (${placeholders.join(", ")})`;
}

/**
 * The one keyset list body: a page of `query` in `keyset` order after the cursor, one extra row
 * telling whether another page exists, and `totalCount` counting `query` only when selected.
 */
export async function keysetPage<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  keyset: Keyset<T>,
  { first, after }: PageRequest,
): Promise<Connection<T>> {
  const page = query.clone();
  keyset.keys.forEach((key, i) => (i === 0 ? page.orderBy(key.sql, keyset.direction) : page.addOrderBy(key.sql, keyset.direction)));
  if (after) {
    const params: Record<string, CursorValue> = {};
    page.andWhere(
      afterCursor(keyset, after, (value) => {
        const name = `keyset${Object.keys(params).length}`;
        params[name] = value;
        return `:${name}`;
      }),
      params,
    );
  }
  page.limit(first + 1);
  return new Connection(
    await page.getMany(),
    first,
    (row) => cursorIn(keyset, row),
    () => query.getCount(),
  );
}

/**
 * Narrows a list to rows whose `column` is `id`: `undefined` (no such filter) narrows nothing, and
 * `null` (a filter id that named nothing, e.g. a foreign-typed global id) matches no row. This
 * replaces filtering on a nil-UUID placeholder.
 */
export function whereIdIs<T extends ObjectLiteral>(query: SelectQueryBuilder<T>, column: string, id: string | null | undefined): SelectQueryBuilder<T> {
  if (id === undefined) return query;
  if (id === null) return query.andWhere("false");
  const name = `id_${column.replace(/\W/g, "_")}`;
  return query.andWhere(`${column} = :${name}`, { [name]: id });
}
