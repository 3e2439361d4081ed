/**
 * GET /reports/efficiency.csv?fundingBodyCode=…&from=…&to=…&groupBy=CATEGORY,MONTH and
 * GET /reports/market-gaps.csv?fundingBodyCode=…&from=…&to=…, with the same bearer token as the
 * API: the reports for spreadsheets.
 */
import type { RequestHandler, Response } from "express";
import { GraphQLError } from "graphql";
import { viewerFromHeader } from "../../context";
import { isValidText } from "../../shared/validation";
import { isDate } from "../pricing";
import type { Context } from "./context";
import type { MarketGapRecord } from "./market-gaps.queries";
import type { EfficiencyQuery, MarketGapsQuery } from "./report.commands";
import { ReportDimension } from "./report.enums";
import type { EfficiencyGroupRecord, EfficiencyMeasuresRecord } from "./report.queries";

const GROUP_COLUMNS: (keyof EfficiencyGroupRecord)[] = ["categoryCode", "month", "providerKind", "budgetKind", "ageBand", "purpose"];

export function efficiencyCsv(services: Context["services"]): RequestHandler {
  return async (req, res, next) => {
    try {
      const viewer = await viewerFromHeader(services, req.headers.authorization);
      if (!viewer) return void res.status(401).json(errorBody("Sign in: send a valid bearer token.", "UNAUTHENTICATED"));
      const query = efficiencyQueryOf(req.query);
      if (!query) {
        return void res
          .status(400)
          .json(errorBody(`Give fundingBodyCode, from and to (YYYY-MM-DD), and groupBy from ${Object.keys(ReportDimension).join(",")}.`, "BAD_USER_INPUT"));
      }
      const { fundingBodyCode, from, to } = query;
      const report = await services.reports.efficiency(viewer, query);
      const measureColumns = Object.keys(report.totals) as (keyof EfficiencyMeasuresRecord)[];
      const lines = [
        [...GROUP_COLUMNS, ...measureColumns].join(","),
        ...report.rows.map((row) =>
          [...GROUP_COLUMNS.map((c) => row.group[c] ?? ""), ...measureColumns.map((m) => row.measures[m] ?? "")].map(csvCell).join(","),
        ),
        [...GROUP_COLUMNS.map((_c, i) => (i === 0 ? "TOTAL" : "")), ...measureColumns.map((m) => report.totals[m] ?? "")].map(csvCell).join(","),
      ];
      res
        .type("text/csv")
        .attachment(`efficiency-${fundingBodyCode}-${from}-${to}.csv`)
        .send(`${lines.join("\r\n")}\r\n`);
    } catch (error) {
      if (error instanceof GraphQLError) return void refuse(res, error);
      next(error);
    }
  };
}

/** The query string as the report's query; null when a parameter is missing or malformed. */
function efficiencyQueryOf(params: Record<string, unknown>): EfficiencyQuery | null {
  // A parameter given twice arrives as an array; any may hold bytes PostgreSQL refuses.
  if (Object.values(params).some((value) => typeof value !== "string" || !isValidText(value))) return null;
  const { fundingBodyCode, from, to, groupBy = "" } = params as Record<string, string | undefined>;
  const dimensions = groupBy.split(",").filter(Boolean);
  // Object.hasOwn, not `in`: `toString` is in every object, and a dimension names SQL.
  if (!fundingBodyCode || !from || !to || !isDate(from) || !isDate(to) || dimensions.some((d) => !Object.hasOwn(ReportDimension, d))) return null;
  return { fundingBodyCode, from, to, groupBy: dimensions as ReportDimension[] };
}

const GAP_COLUMNS: (keyof MarketGapRecord)[] = [
  "categoryCode",
  "postcodeDistrict",
  "quoteRequestsUnanswered",
  "planningRefusals",
  "clientsAffected",
  "referenceRatePence",
  "referenceRateUnit",
];

export function marketGapsCsv(services: Context["services"]): RequestHandler {
  return async (req, res, next) => {
    try {
      const viewer = await viewerFromHeader(services, req.headers.authorization);
      if (!viewer) return void res.status(401).json(errorBody("Sign in: send a valid bearer token.", "UNAUTHENTICATED"));
      const query = periodQueryOf(req.query);
      if (!query) return void res.status(400).json(errorBody("Give fundingBodyCode, from and to (YYYY-MM-DD).", "BAD_USER_INPUT"));
      const report = await services.reports.marketGaps(viewer, query);
      const lines = [GAP_COLUMNS.join(","), ...report.rows.map((row) => GAP_COLUMNS.map((c) => csvCell(row[c] ?? "")).join(","))];
      res
        .type("text/csv")
        .attachment(`market-gaps-${query.fundingBodyCode}-${query.from}-${query.to}.csv`)
        .send(`${lines.join("\r\n")}\r\n`);
    } catch (error) {
      if (error instanceof GraphQLError) return void refuse(res, error);
      next(error);
    }
  };
}

/** A report's GraphQLError as the HTTP answer: 401, 403 or 400 with the same body the API gives. */
function refuse(res: Response, error: GraphQLError): void {
  const code = String(error.extensions.code);
  res.status(code === "UNAUTHENTICATED" ? 401 : code === "FORBIDDEN" ? 403 : 400).json(errorBody(error.message, code));
}

function periodQueryOf(params: Record<string, unknown>): MarketGapsQuery | null {
  if (Object.values(params).some((value) => typeof value !== "string" || !isValidText(value))) return null;
  const { fundingBodyCode, from, to } = params as Record<string, string | undefined>;
  if (!fundingBodyCode || !from || !to || !isDate(from) || !isDate(to)) return null;
  return { fundingBodyCode, from, to };
}

function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function errorBody(message: string, code: string) {
  return { errors: [{ message, extensions: { code } }] };
}
