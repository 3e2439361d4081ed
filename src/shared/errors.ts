/**
 * Expected failures are data: services return Result values, resolvers turn them into
 * `userErrors` on the mutation payload. Unexpected failures are exceptions and reach clients only
 * as a masked INTERNAL_SERVER_ERROR with the request id to quote.
 */
import { HeaderMap, type ApolloServerPlugin } from "@apollo/server";
import { unwrapResolverError } from "@apollo/server/errors";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import type { ValidationError } from "class-validator";
import { ArgumentValidationError, Field, ObjectType, registerEnumType, type ClassType } from "type-graphql";
import { isConnectionError } from "./connection-errors";
import { RATE_LIMITED } from "./rate-limit";

export enum UserErrorCode {
  /** The object does not exist, or the viewer may not see it (existence itself can be private). */
  NOT_FOUND = "NOT_FOUND",
  /** A value is malformed or out of range; `field` says which. */
  INVALID_VALUE = "INVALID_VALUE",
  /** Something unique (an email, a subject, a CQC location) is already in use. */
  ALREADY_EXISTS = "ALREADY_EXISTS",
  /** The viewer's role does not allow this particular action on this object. */
  NOT_PERMITTED = "NOT_PERMITTED",
  /** Health and Social Care Act 2008: regulated activity needs a CQC-registered provider. */
  CQC_REGISTRATION_REQUIRED = "CQC_REGISTRATION_REQUIRED",
  /** The user already belongs to a provider. */
  ALREADY_PROVIDER_MEMBER = "ALREADY_PROVIDER_MEMBER",
  /** The budget's available money does not cover the whole cost; nothing was committed. */
  INSUFFICIENT_BUDGET = "INSUFFICIENT_BUDGET",
  /** The booking would take more of a listing's weekly capacity than is left in some week. */
  NO_CAPACITY = "NO_CAPACITY",
  /** The personal assistant already has a visit at that time. */
  SLOT_TAKEN = "SLOT_TAKEN",
  /** The object is not in a state that allows this (e.g. confirming a cancelled booking). */
  INVALID_TRANSITION = "INVALID_TRANSITION",
  /** The idempotency key was used before for a different request. */
  IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED",
  /** Care Act 2014 s.33(3): a budget pays only for needs in the care and support plan. */
  OUTSIDE_SUPPORT_PLAN = "OUTSIDE_SUPPORT_PLAN",
  /** The category may not be bought with this kind of budget (NHS (Direct Payments) Regulations 2013). */
  NOT_ALLOWED_FOR_BUDGET_KIND = "NOT_ALLOWED_FOR_BUDGET_KIND",
  /** A visit falls outside the budget's period. */
  OUTSIDE_BUDGET_PERIOD = "OUTSIDE_BUDGET_PERIOD",
  /** Care and Support (Direct Payments) Regulations 2014 reg. 8: no long-term care-home place by direct payment. */
  CARE_HOME_PLACEMENT_NOT_ALLOWED = "CARE_HOME_PLACEMENT_NOT_ALLOWED",
  /** The listing is delivered in a setting other than where the client lives (a HOME listing for a care-home resident…). */
  SETTING_MISMATCH = "SETTING_MISMATCH",
  /** A visit falls outside the time band of the listing's rate type (a WEEKEND listing on a Tuesday…). */
  OUTSIDE_TIME_BAND = "OUTSIDE_TIME_BAND",
  /** The quote is past its validUntil. */
  QUOTE_EXPIRED = "QUOTE_EXPIRED",
  /** The visit has not started yet, so it cannot be recorded. */
  VISIT_NOT_DUE = "VISIT_NOT_DUE",
  /** Two versions of the same reference rate would be in force on the same day. */
  RATE_OVERLAP = "RATE_OVERLAP",
  /** The funding body's window for confirming or disputing a delivered visit has passed: it is confirmed. */
  CONFIRMATION_WINDOW_CLOSED = "CONFIRMATION_WINDOW_CLOSED",
  /** The visit was already paid: a commissioner corrects it (correctVisit), shown on the next statement. */
  ALREADY_PAID = "ALREADY_PAID",
  /** A payment run found no confirmed, unpaid visit up to its day. */
  NOTHING_TO_PAY = "NOTHING_TO_PAY",
  /** The budget's period is closed: it takes no new commitments and cannot be closed again. */
  BUDGET_CLOSED = "BUDGET_CLOSED",
  /** The budget's period has not ended yet, so it cannot be closed. */
  PERIOD_NOT_OVER = "PERIOD_NOT_OVER",
  /** Some of the budget's visits are still scheduled, awaiting confirmation or disputed. */
  VISITS_UNSETTLED = "VISITS_UNSETTLED",
}
registerEnumType(UserErrorCode, { name: "UserErrorCode", description: "Why a mutation could not do what was asked." });

export interface UserErrorData {
  code: UserErrorCode;
  message: string;
  field?: (string | number)[];
}

@ObjectType({ description: "A business-rule failure or bad input: what went wrong and what to do about it." })
export class UserError {
  @Field(() => UserErrorCode)
  code!: UserErrorCode;

  @Field({ description: "Says what to do, in words a user can act on." })
  message!: string;

  @Field(() => [String], { nullable: true, description: 'Path of the input field at fault, e.g. ["input", "pricePence"].' })
  field?: string[];
}

export type Result<T> = { ok: true; value: T } | { ok: false; errors: UserErrorData[] };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(code: UserErrorCode, message: string, field?: (string | number)[]): Result<T> {
  return { ok: false, errors: [{ code, message, field }] };
}

export function failAll<T = never>(errors: UserErrorData[]): Result<T> {
  return { ok: false, errors };
}

export function notFound<T = never>(what: string, field?: (string | number)[]): Result<T> {
  return fail(UserErrorCode.NOT_FOUND, `${what} was not found. Check the ID, and that you have access to it.`, field);
}

/** The payload object of a mutation: `{ <field>: value | null, userErrors }`. */
export function toPayload<K extends string, T>(field: K, result: Result<T>): { [P in K]: T | null } & { userErrors: UserError[] } {
  const userErrors = result.ok ? [] : result.errors.map((e) => ({ ...e, field: e.field?.map(String) }));
  return { [field]: result.ok ? result.value : null, userErrors } as { [P in K]: T | null } & { userErrors: UserError[] };
}

/**
 * Services name fields relative to their command (`["listingId"]`); a mutation's arguments are one
 * `input`, so the resolver places those paths inside it (`["input", "listingId"]`).
 */
export function inInput<T>(result: Result<T>): Result<T> {
  return result.ok ? result : { ok: false, errors: result.errors.map((e) => (e.field ? { ...e, field: ["input", ...e.field] } : e)) };
}

/** `toPayload` of a service's result, its field paths placed inside the mutation's `input`. */
export function toInputPayload<K extends string, T>(field: K, result: Result<T>): ReturnType<typeof toPayload<K, T>> {
  return toPayload(field, inInput(result));
}

/**
 * Defines the payload type of one mutation, e.g. `payloadType("CreateListingPayload", "listing", Listing)`.
 * One class per mutation keeps each payload free to grow on its own.
 */
export function payloadType<T extends object>(name: string, field: string, type: ClassType<T>, description?: string): ClassType {
  @ObjectType(name, { description })
  class Payload {
    @Field(() => [UserError], { description: "Empty when the mutation succeeded." })
    userErrors!: UserError[];
  }
  Field(() => type, { nullable: true })(Payload.prototype, field);
  return Payload;
}

/** Top-level errors for the few cases that are not business failures. */
export function unauthenticated(message = "Sign in: send a valid bearer token."): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "UNAUTHENTICATED", http: { status: 401 } } });
}

export function forbidden(message = "Your role does not allow this operation."): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "FORBIDDEN" } });
}

export function badUserInput(message: string, field?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "BAD_USER_INPUT", ...(field ? { field } : {}) } });
}

/** Seconds a client should wait before retrying while the database is unreachable (the Retry-After header). */
export const RETRY_AFTER_SECONDS = 5;
export const SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE";
const UNAVAILABLE_MESSAGE =
  "The service is briefly unavailable: its database cannot be reached. Try again shortly; retrying a mutation with the same idempotencyKey is safe.";

/** The answer to a request that met an unreachable database: HTTP 503 with Retry-After, retryable. */
export function serviceUnavailable(): GraphQLError {
  const headers = new HeaderMap([["retry-after", String(RETRY_AFTER_SECONDS)]]);
  return new GraphQLError(UNAVAILABLE_MESSAGE, { extensions: { code: SERVICE_UNAVAILABLE, http: { status: 503, headers } } });
}

/** The JSON body of that answer, for plain Express routes. */
export function serviceUnavailableBody() {
  return { errors: [{ message: UNAVAILABLE_MESSAGE, extensions: { code: SERVICE_UNAVAILABLE } }] };
}

/** True for an error (a resolver's, the context's, a route's) that a lost database connection caused. */
export function isServiceUnavailable(error: unknown): boolean {
  const original = unwrapResolverError(error);
  if (original instanceof GraphQLError && original.extensions?.code === SERVICE_UNAVAILABLE) return true;
  return isConnectionError(original);
}

/**
 * Apollo sets the HTTP status from errors that carry it (context creation, `serviceUnavailable()`),
 * but a resolver meets the database's raw error: when any error of a response is one, answer 503.
 */
export const serviceUnavailablePlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ errors, response }) {
        if (!errors?.some(isServiceUnavailable)) return;
        response.http.status = 503;
        response.http.headers.set("retry-after", String(RETRY_AFTER_SECONDS));
      },
    };
  },
};

const CLIENT_ERROR_CODES = new Set([
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "BAD_USER_INPUT",
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
  "BAD_REQUEST",
]);

/**
 * Apollo's formatError: client errors pass through with their code only; input that failed
 * validation lists each bad field; a lost database connection is SERVICE_UNAVAILABLE (retryable,
 * reported through `logUnavailable`); anything else (a bug) is logged with its stack and reaches the
 * client as a bare INTERNAL_SERVER_ERROR with a reference to quote.
 */
export function maskInternalErrors(
  logInternal: (error: unknown) => string,
  { hideSuggestions = false, logUnavailable = () => undefined }: { hideSuggestions?: boolean; logUnavailable?: (error: unknown) => void } = {},
) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    if (hideSuggestions) formatted = { ...formatted, message: withoutSuggestions(formatted.message) };
    const original = unwrapResolverError(error);
    const { locations, path } = formatted;
    if (original instanceof ArgumentValidationError) {
      const fields = flattenValidation(original.extensions.validationErrors, []);
      const message = `Invalid input: ${fields.map((f) => f.message).join("; ")}.`;
      return { message, locations, path, extensions: { code: "BAD_USER_INPUT", fields } };
    }
    if (isServiceUnavailable(original)) {
      logUnavailable(original);
      return { message: UNAVAILABLE_MESSAGE, locations, path, extensions: { code: SERVICE_UNAVAILABLE } };
    }
    const code = (original instanceof GraphQLError ? original.extensions?.code : undefined) ?? formatted.extensions?.code;
    if (code === RATE_LIMITED) return { message: formatted.message, extensions: { code, retryAfterSeconds: formatted.extensions?.retryAfterSeconds } };
    if (typeof code === "string" && CLIENT_ERROR_CODES.has(code)) {
      const field = original instanceof GraphQLError ? original.extensions?.field : undefined;
      return { message: formatted.message, locations, path, extensions: field === undefined ? { code } : { code, field } };
    }
    const reference = logInternal(original);
    return {
      message: `Internal server error. If it persists, report reference ${reference}.`,
      locations,
      path,
      extensions: { code: "INTERNAL_SERVER_ERROR", reference },
    };
  };
}

/**
 * graphql-js suggests names ("Did you mean …?") in validation and in the coercion of variables;
 * with introspection off those hints would hand the schema out one guess at a time.
 */
function withoutSuggestions(message: string): string {
  return message.replace(/ ?Did you mean [^?]*\?/g, "");
}

function flattenValidation(errors: ValidationError[], parent: string[]): { field: string[]; message: string }[] {
  return errors.flatMap((e) => {
    const field = [...parent, e.property];
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flattenValidation(e.children ?? [], field)];
  });
}
