import DataLoader from "dataloader";
import type { DataSource, ObjectLiteral } from "typeorm";
import { hydrator, selectColumns } from "../../shared/db";
import { groupedInKeyOrder, loaderByKey } from "../../shared/loaders";
import { afterCursor, cursorIn, type Keyset } from "../../shared/pagination";
import { PaymentRunEntity } from "./payment-run.entity";
import { ProviderStatementEntity } from "./provider-statement.entity";
import { StatementLineEntity } from "./statement-line.entity";
import { VisitConfirmationEntity } from "./visit-confirmation.entity";

/** A statement's lines by day, then id. */
export const LINES_BY_DAY: Keyset<StatementLineEntity> = {
  name: "STATEMENT_LINES",
  keys: [
    { sql: "l.delivered_on::text", of: (l) => l.deliveredOn },
    { sql: "l.id", cast: "uuid", of: (l) => l.id },
  ],
  direction: "ASC",
};

/** A run's statements in id order. */
export const STATEMENTS_IN_ORDER: Keyset<ProviderStatementEntity> = {
  name: "RUN_STATEMENTS",
  keys: [{ sql: "l.id", cast: "uuid", of: (s) => s.id }],
  direction: "ASC",
};

export interface SettlementTotals {
  awaitingConfirmationPence: number;
  confirmedPence: number;
  disputedPence: number;
  reversedPence: number;
  paidPence: number;
  onStatementsPence: number;
  /** Confirmed, net, on no statement yet (corrections not yet shown deducted). */
  confirmedUnpaidPence: number;
  issuedPence: number;
}

const NOTHING: SettlementTotals = {
  awaitingConfirmationPence: 0,
  confirmedPence: 0,
  disputedPence: 0,
  reversedPence: 0,
  paidPence: 0,
  onStatementsPence: 0,
  confirmedUnpaidPence: 0,
  issuedPence: 0,
};

export function createSettlementLoaders(db: DataSource) {
  const linePages = new Map<string, DataLoader<string, StatementLineEntity[]>>();
  const statementPages = new Map<string, DataLoader<string, ProviderStatementEntity[]>>();
  return {
    confirmationOfVisit: loaderByKey(db.getRepository(VisitConfirmationEntity), "visitId"),
    lineOfVisit: loaderByKey(db.getRepository(StatementLineEntity), "visitId"),
    statementById: loaderByKey(db.getRepository(ProviderStatementEntity), "id"),
    paymentRunById: loaderByKey(db.getRepository(PaymentRunEntity), "id"),
    statementLineById: loaderByKey(db.getRepository(StatementLineEntity), "id"),

    /** Units and pence corrections took back from each visit. */
    correctionsOfVisit: new DataLoader<string, { units: number; pence: number }>(async (visitIds) => {
      const rows: { visit_id: string; units: string; pence: string }[] = await db.query(
        "SELECT visit_id, sum(units) AS units, sum(amount_pence) AS pence FROM visit_corrections WHERE visit_id = ANY($1::uuid[]) GROUP BY visit_id",
        [visitIds],
      );
      const byId = new Map(rows.map((r) => [r.visit_id, { units: Number(r.units), pence: Number(r.pence) }]));
      return visitIds.map((id) => byId.get(id) ?? { units: 0, pence: 0 });
    }),

    /** Each budget's delivered spend by where it stands: two grouped statements for a page of budgets. */
    settlementOfBudget: new DataLoader<string, SettlementTotals>((budgetIds) => settlementTotals(db, "budget_id", budgetIds)),

    /** The same per provider: what it is owed. */
    settlementOfProvider: new DataLoader<string, SettlementTotals>((providerIds) => settlementTotals(db, "provider_id", providerIds)),

    linesOfStatement(first: number, after: string | null): DataLoader<string, StatementLineEntity[]> {
      return pageLoader(linePages, first, after, (ids) =>
        windowedPages(
          db,
          StatementLineEntity,
          "statement_lines",
          "statement_id",
          LINES_BY_DAY,
          "l.delivered_on, l.id",
          ids,
          first,
          after,
          (l) => l.statementId,
        ),
      );
    },

    statementsOfRun(first: number, after: string | null): DataLoader<string, ProviderStatementEntity[]> {
      return pageLoader(statementPages, first, after, (ids) =>
        windowedPages(
          db,
          ProviderStatementEntity,
          "provider_statements",
          "payment_run_id",
          STATEMENTS_IN_ORDER,
          "l.id",
          ids,
          first,
          after,
          (s) => s.paymentRunId,
        ),
      );
    },
  };
}

export function lineCursor(line: StatementLineEntity): string {
  return cursorIn(LINES_BY_DAY, line);
}

export function runStatementCursor(statement: ProviderStatementEntity): string {
  return cursorIn(STATEMENTS_IN_ORDER, statement);
}

function pageLoader<V>(pages: Map<string, DataLoader<string, V[]>>, first: number, after: string | null, batch: (ids: readonly string[]) => Promise<V[][]>) {
  const key = `${first}:${after ?? ""}`;
  let loader = pages.get(key);
  if (!loader) {
    loader = new DataLoader(batch);
    pages.set(key, loader);
  }
  return loader;
}

/** A page of each parent's children in keyset order: one windowed statement per distinct arguments. */
async function windowedPages<T extends ObjectLiteral>(
  db: DataSource,
  entity: new () => T,
  table: string,
  parentColumn: string,
  keyset: Keyset<T>,
  orderBy: string,
  parentIds: readonly string[],
  first: number,
  after: string | null,
  parentOf: (row: T) => string,
): Promise<T[][]> {
  const params: unknown[] = [parentIds, first + 1];
  const condition = after ? `AND ${afterCursor(keyset, after, (value) => `$${params.push(value)}`)}` : "";
  const metadata = db.getMetadata(entity);
  const rows: Record<string, unknown>[] = await db.query(
    `SELECT ${selectColumns(metadata, "l")} FROM (
       SELECT l.*, row_number() OVER (PARTITION BY l.${parentColumn} ORDER BY ${orderBy}) AS n
       FROM ${table} l WHERE l.${parentColumn} = ANY($1::uuid[]) ${condition}
     ) l WHERE l.n <= $2 ORDER BY ${orderBy}`,
    params,
  );
  return groupedInKeyOrder(parentIds, rows.map(hydrator<T>(metadata, "l")), parentOf);
}

async function settlementTotals(db: DataSource, column: "budget_id" | "provider_id", ids: readonly string[]): Promise<SettlementTotals[]> {
  const [delivered, statements] = await Promise.all<Record<string, string>[]>([
    db.query(
      `SELECT b.${column} AS id,
              coalesce(sum(v.cost_pence) FILTER (WHERE c.visit_id IS NULL), 0) AS awaiting,
              coalesce(sum(v.cost_pence - c.upheld_pence - coalesce(k.pence, 0)) FILTER (WHERE c.status IN ('CONFIRMED', 'REJECTED', 'UPHELD')), 0) AS confirmed,
              coalesce(sum(v.cost_pence) FILTER (WHERE c.status = 'DISPUTED'), 0) AS disputed,
              coalesce(sum(coalesce(c.upheld_pence, 0) + coalesce(k.pence, 0)), 0) AS reversed,
              coalesce(sum(v.cost_pence - c.upheld_pence) FILTER (WHERE c.status IN ('CONFIRMED', 'REJECTED', 'UPHELD') AND l.id IS NULL), 0)
                - coalesce(sum(coalesce(k.unshown, 0)), 0) AS confirmed_unpaid
       FROM visits v
       JOIN bookings b ON b.id = v.booking_id
       LEFT JOIN visit_confirmations c ON c.visit_id = v.id
       LEFT JOIN statement_lines l ON l.visit_id = v.id
       LEFT JOIN (SELECT k.visit_id, sum(k.amount_pence) AS pence,
                         coalesce(sum(k.amount_pence) FILTER (WHERE NOT EXISTS (SELECT 1 FROM statement_lines x WHERE x.correction_id = k.id)), 0) AS unshown
                  FROM visit_corrections k GROUP BY k.visit_id) k ON k.visit_id = v.id
       WHERE v.status = 'DELIVERED' AND b.${column} = ANY($1::uuid[])
       GROUP BY b.${column}`,
      [ids],
    ),
    db.query(
      `SELECT b.${column} AS id, coalesce(sum(l.amount_pence) FILTER (WHERE s.status = 'PAID'), 0) AS paid,
              coalesce(sum(l.amount_pence) FILTER (WHERE s.status = 'ISSUED'), 0) AS issued, coalesce(sum(l.amount_pence), 0) AS on_statements
       FROM statement_lines l
       JOIN provider_statements s ON s.id = l.statement_id
       JOIN visits v ON v.id = l.subject_visit_id
       JOIN bookings b ON b.id = v.booking_id
       WHERE b.${column} = ANY($1::uuid[])
       GROUP BY b.${column}`,
      [ids],
    ),
  ]);
  const spend = new Map(delivered.map((r) => [r.id, r]));
  const paid = new Map(statements.map((r) => [r.id, r]));
  return ids.map((id) => {
    const d = spend.get(id);
    const p = paid.get(id);
    if (!d && !p) return NOTHING;
    return {
      awaitingConfirmationPence: Number(d?.awaiting ?? 0),
      confirmedPence: Number(d?.confirmed ?? 0),
      disputedPence: Number(d?.disputed ?? 0),
      reversedPence: Number(d?.reversed ?? 0),
      confirmedUnpaidPence: Number(d?.confirmed_unpaid ?? 0),
      paidPence: Number(p?.paid ?? 0),
      issuedPence: Number(p?.issued ?? 0),
      onStatementsPence: Number(p?.on_statements ?? 0),
    };
  });
}

export type SettlementLoaders = ReturnType<typeof createSettlementLoaders>;
