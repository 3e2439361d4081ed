/**
 * GET /payments/{paymentRunId}.csv, with the same bearer token as the API: a payment run's
 * remittance file for the funding body's finance system, one row per provider and statement.
 * Commissioners of the run's funding body (and admins) only. Streamed: statements are read and
 * written a batch at a time, never all held in memory.
 */
import type { RequestHandler } from "express";
import { viewerFromHeader } from "../../context";
import { isUuid, uuidOf } from "../../shared/ids";
import type { Context } from "./context";

const BATCH = 500;
const COLUMNS = [
  "payment_run_id",
  "statement_id",
  "provider_id",
  "provider_name",
  "payable_by",
  "period_start",
  "period_end",
  "lines",
  "amount_pence",
  "amount_gbp",
  "status",
];

export function remittanceCsv(services: Context["services"]): RequestHandler {
  return async (req, res, next) => {
    try {
      const viewer = await viewerFromHeader(services, req.headers.authorization);
      if (!viewer) return void res.status(401).json(errorBody("Sign in: send a valid bearer token.", "UNAUTHENTICATED"));
      // The run's id as the API gives it (a global id), or its uuid.
      const given = String(req.params.paymentRunId ?? "");
      const id = isUuid(given) ? given : uuidOf(given, "PaymentRun");
      const run = id ? await services.paymentRuns.findRun(viewer, id) : null;
      if (!run) return void res.status(404).json(errorBody("No payment run you may see has this id.", "NOT_FOUND"));
      res.type("text/csv").attachment(`remittance-${run.fundingBodyCode}-${run.upTo}-${run.id}.csv`);
      res.write(`${COLUMNS.join(",")}\r\n`);
      let after: string | null = null;
      for (;;) {
        const rows = await services.paymentRuns.statementBatch(run.id, after, BATCH);
        if (rows.length === 0) break;
        const lines = rows.map((r) =>
          [
            run.id,
            r.id,
            r.provider_id,
            r.provider_name,
            r.payer,
            r.period_start,
            r.period_end,
            r.line_count,
            r.total_pence,
            pounds(Number(r.total_pence)),
            r.status,
          ]
            .map((v) => csvCell(String(v)))
            .join(","),
        );
        // Respect backpressure: wait for the socket to drain before reading the next batch.
        if (!res.write(`${lines.join("\r\n")}\r\n`)) await new Promise((resolve) => res.once("drain", resolve));
        after = String(rows.at(-1)!.id);
        if (rows.length < BATCH) break;
      }
      res.end();
    } catch (error) {
      next(error);
    }
  };
}

function pounds(pence: number): string {
  const sign = pence < 0 ? "-" : "";
  const abs = Math.abs(pence);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

function csvCell(text: string): string {
  // A cell a spreadsheet would run as a formula is quoted with a leading apostrophe.
  const safe = /^[=+\-@]/.test(text) && !/^-?\d/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function errorBody(message: string, code: string) {
  return { errors: [{ message, extensions: { code } }] };
}
