/**
 * Telling a lost or unreachable database apart from every other failure, in one place: the API
 * answers it as SERVICE_UNAVAILABLE (retryable) and everything else as a masked internal error.
 */
import { QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from "typeorm";

/**
 * True when `error` means the database cannot be reached right now, not that the request was
 * wrong: the server shut down or crashed (57P01, 57P02), is starting (57P03), refuses more
 * connections (53300), a connection failed (class 08), was refused, reset or timed out, or the
 * pool gave up waiting. Such errors are retryable; the API answers them with SERVICE_UNAVAILABLE.
 * TypeORM releases a transaction's query runner when its connection fails, so the transaction's
 * next statement meets a QueryRunner(Provider)AlreadyReleasedError: here, only a lost connection
 * does that (every transaction goes through `db.transaction`, which releases only at its end).
 */
export function isConnectionError(error: unknown, depth = 0): boolean {
  if (typeof error !== "object" || error === null || depth > 5) return false;
  if (error instanceof QueryRunnerAlreadyReleasedError || error instanceof QueryRunnerProviderAlreadyReleasedError) return true;
  const { code, message, cause, driverError, originalError, errors } = error as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    driverError?: unknown;
    originalError?: unknown;
    errors?: unknown;
  };
  if (typeof code === "string" && (CONNECTION_SQLSTATES.has(code) || code.startsWith("08") || CONNECTION_ERRNOS.has(code))) return true;
  if (typeof message === "string" && CONNECTION_MESSAGES.some((m) => message.includes(m))) return true;
  const inner: unknown[] = [driverError, originalError, cause, ...(Array.isArray(errors) ? (errors as unknown[]) : [])];
  return inner.some((e) => e !== error && isConnectionError(e, depth + 1));
}

const CONNECTION_SQLSTATES = new Set(["57P01", "57P02", "57P03", "53300"]);
const CONNECTION_ERRNOS = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);
/** What pg and pg-pool say when a connection is gone or cannot be had (they set no code). */
const CONNECTION_MESSAGES = [
  "Connection terminated",
  "timeout exceeded when trying to connect",
  "Client has encountered a connection error and is not queryable",
  "Client was closed and is not queryable",
];

/** Why a connection failed, in one line (an AggregateError of every address tried has no message). */
export function connectionFailureReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const inner = error instanceof AggregateError ? error.errors.find((e): e is Error => e instanceof Error) : undefined;
  const { code } = error as { code?: unknown };
  return error.message || inner?.message || (typeof code === "string" ? code : error.name);
}
