/**
 * Who may see and act for a client. Pure: no I/O. Denials read as "not found" to the caller.
 * - the client (a CLIENT user linked to them), their assigned broker: see and act;
 * - commissioners of the client's funding body, admins: see, act and manage budgets;
 * - providers: only what a booking needs, through the booking (never budget figures).
 */
import type { ObjectLiteral, SelectQueryBuilder } from "typeorm";
import { Role, type Viewer } from "../../shared/auth";
import { restrictTo } from "../../shared/scope";
import { ageOn } from "../../shared/time";
import { AgeBand } from "./budget.enums";

export interface ClientLinks {
  id: string;
  fundingBodyCode: string;
  brokerUserId: string | null;
}

export function canManage(viewer: Viewer, client: Pick<ClientLinks, "fundingBodyCode">): boolean {
  return viewer.roles.has(Role.ADMIN) || (viewer.roles.has(Role.COMMISSIONER) && viewer.fundingBodyCode === client.fundingBodyCode);
}

/**
 * THE client-visibility policy: who may act for a client, stated once. canActFor (TypeScript, on a
 * client in hand) and actsForScope (SQL, on the rows of a list query) are both read off these grants,
 * so a list never shows a row the check would refuse, nor hides one it would allow. Admins act for
 * every client (canManage).
 */
interface Grant {
  /** Whether the grant applies to this viewer at all. */
  holds(viewer: Viewer): boolean;
  /** TypeScript: the grant covers this client. */
  covers(viewer: Viewer, client: ClientLinks): boolean;
  /** SQL: the same of a row, over its columns and the viewer's values (`params`). */
  sql(columns: ClientColumns): string;
  params(viewer: Viewer): Record<string, unknown>;
}

const ACTS_FOR: Grant[] = [
  {
    // Commissioners: every client of their funding body.
    holds: (viewer) => viewer.roles.has(Role.COMMISSIONER) && viewer.fundingBodyCode !== null,
    covers: (viewer, client) => client.fundingBodyCode === viewer.fundingBodyCode,
    sql: (columns) => `${columns.fundingBodyCode} = :fundingBodyCode`,
    params: (viewer) => ({ fundingBodyCode: viewer.fundingBodyCode }),
  },
  {
    // The client themself.
    holds: (viewer) => viewer.roles.has(Role.CLIENT) && viewer.clientId !== null,
    covers: (viewer, client) => client.id === viewer.clientId,
    sql: (columns) => `${columns.clientId} = :clientId`,
    params: (viewer) => ({ clientId: viewer.clientId }),
  },
  {
    // Their assigned broker.
    holds: (viewer) => viewer.roles.has(Role.BROKER),
    covers: (viewer, client) => client.brokerUserId === viewer.userId,
    sql: (columns) =>
      columns.brokerUserId ? `${columns.brokerUserId} = :userId` : `${columns.clientId} IN (SELECT id FROM clients WHERE broker_user_id = :userId)`,
    params: (viewer) => ({ userId: viewer.userId }),
  },
];

/** Sees the client's details and budgets, and may request quotes and book for them. */
export function canActFor(viewer: Viewer, client: ClientLinks): boolean {
  return viewer.roles.has(Role.ADMIN) || ACTS_FOR.some((grant) => grant.holds(viewer) && grant.covers(viewer, client));
}

/** Where a list query's rows name their client: e.g. `{ clientId: "b.client_id", fundingBodyCode: "b.funding_body_code" }`. */
export interface ClientColumns {
  clientId: string;
  fundingBodyCode: string;
  /** Only on the clients table itself (`c.broker_user_id`); other rows reach the broker through their client. */
  brokerUserId?: string;
}

/** Rows a viewer may see, as SQL: at least one of `conditions` (none: no row), or every row. */
export type RowScope = { all: true } | { all: false; conditions: string[]; params: Record<string, unknown> };

/** canActFor as SQL: the rows of the clients the viewer acts for. */
export function actsForScope(viewer: Viewer, columns: ClientColumns): RowScope {
  if (viewer.roles.has(Role.ADMIN)) return { all: true };
  const grants = ACTS_FOR.filter((grant) => grant.holds(viewer));
  return {
    all: false,
    conditions: grants.map((g) => g.sql(columns)),
    params: Object.assign({}, ...grants.map((g) => g.params(viewer))) as Record<string, unknown>,
  };
}

/**
 * Limits a list query to the clients the viewer acts for, and to whatever else `also` lets them see
 * (a provider its own bookings): one bracketed OR that later filters only narrow (shared/scope.ts).
 */
export function restrictToActFor<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  viewer: Viewer,
  columns: ClientColumns,
  ...also: RowScope[]
): SelectQueryBuilder<T> {
  const scopes = [actsForScope(viewer, columns), ...also];
  if (scopes.some((scope) => scope.all)) return query;
  const parts = scopes.filter((scope): scope is Extract<RowScope, { all: false }> => !scope.all);
  return restrictTo(
    query,
    parts.flatMap((p) => p.conditions),
    Object.assign({}, ...parts.map((p) => p.params)) as Record<string, unknown>,
  );
}

export function ageBandOf(dateOfBirth: string, today: string): AgeBand {
  const age = ageOn(dateOfBirth, today);
  if (age < 18) return AgeBand.UNDER_18;
  if (age < 65) return AgeBand.AGE_18_64;
  if (age < 75) return AgeBand.AGE_65_74;
  if (age < 85) return AgeBand.AGE_75_84;
  return AgeBand.AGE_85_PLUS;
}
