/**
 * The report's stored facts against the source tables: every key's facts computed now, live, by the
 * one definition (report-facts.queries.ts), then refreshed, and the stored table compared with them.
 */
import type { DataSource } from "typeorm";
import { factsOf } from "../../src/modules/reports/report-facts.queries";
import type { TestApi } from "./api";

type FactRow = Record<string, unknown>;

const ORDER = "ORDER BY booking_id, month, age_band";

function normalised(rows: FactRow[]): string[] {
  return rows.map((r) => JSON.stringify(Object.entries(r).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : String(v)])));
}

export async function liveFacts(db: DataSource): Promise<string[]> {
  return normalised(await db.query(`SELECT * FROM (${factsOf("visits v", "true")}) f ${ORDER}`));
}

export async function storedFacts(db: DataSource): Promise<string[]> {
  return normalised(await db.query(`SELECT * FROM report_facts ${ORDER}`));
}

/** Refreshes the facts and expects them equal to the live ones, with nothing left queued. */
export async function expectFactsCurrent(api: TestApi): Promise<void> {
  const live = await liveFacts(api.db);
  await api.app.services.reports.refreshFacts();
  expect(await storedFacts(api.db)).toEqual(live);
  const [{ queued }]: { queued: number }[] = await api.db.query("SELECT count(*)::int AS queued FROM report_fact_changes");
  expect(queued).toBe(0);
}
