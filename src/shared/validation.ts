/**
 * Input shape validation, before any resolver runs. Two steps for every argument of every field:
 *
 * 1. Values are checked against their GraphQL type, wherever they sit (query arguments, variables,
 *    nested input objects, lists): text is valid Unicode without NUL (what PostgreSQL can store),
 *    dates are in the years the app supports, money fits an integer column and quantities fit
 *    numeric(8,2). Driven by the schema's types, so a new field is covered without a decorator.
 * 2. class-validator runs the input classes' own decorators (lengths, list sizes), as type-graphql's
 *    built-in validation does (missing properties skipped, unknown values allowed) but with the
 *    library loaded once: the built-in path re-requires class-validator for every argument.
 *
 * Either way a failure is a top-level BAD_USER_INPUT that lists each bad field (shared/errors.ts).
 */
import { validate, ValidationError, type ValidatorOptions } from "class-validator";
import { getNullableType, GraphQLInputObjectType, GraphQLList, GraphQLScalarType, type GraphQLInputType } from "graphql";
import { ArgumentValidationError, type ValidatorFn } from "type-graphql";

const OPTIONS: ValidatorOptions = { skipMissingProperties: true, forbidUnknownValues: false };

/** A NUL, or half of a surrogate pair without the other half: neither is text PostgreSQL (or UTF-8) can hold. */
const INVALID_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function isValidText(value: string): boolean {
  return !INVALID_TEXT.test(value);
}

/** The calendar the app supports: far enough back for dates of birth, forward for any plan. */
export const FIRST_DATE = "1900-01-01";
export const LAST_DATE = "2999-12-31";
/** Every money column that takes input is `integer` (budgets' running totals are bigint). */
export const MAX_PENCE = 2_147_483_647;
/** Every quantity of units is stored as numeric(8,2). */
export const MAX_UNITS = 999_999.99;

type Path = (string | number)[];

/** Why a value of this scalar is out of shape, or null. LocalDate arrives as "YYYY-MM-DD", DateTime as a Date. */
function scalarProblem(scalar: string, value: unknown): string | null {
  if (typeof value === "string" && !isValidText(value)) return "is not valid text (it holds a NUL byte or half a surrogate pair)";
  switch (scalar) {
    case "LocalDate":
      return typeof value === "string" && (value < FIRST_DATE || value > LAST_DATE) ? `is a date from ${FIRST_DATE} to ${LAST_DATE}` : null;
    case "DateTime": {
      const day = value instanceof Date ? value.toISOString().slice(0, 10) : null;
      return day !== null && (day < FIRST_DATE || day > LAST_DATE) ? `is a time from ${FIRST_DATE} to ${LAST_DATE}` : null;
    }
    case "SafeInt":
      return typeof value === "number" && Math.abs(value) > MAX_PENCE ? `is at most ${MAX_PENCE.toLocaleString("en-GB")} pence` : null;
    case "Float":
      return typeof value === "number" && Math.abs(value) > MAX_UNITS ? `is at most ${MAX_UNITS.toLocaleString("en-GB")} units` : null;
    default:
      return null;
  }
}

function typeProblems(value: unknown, type: GraphQLInputType, path: Path): { path: Path; message: string }[] {
  if (value === null || value === undefined) return [];
  const inner = getNullableType(type);
  if (inner instanceof GraphQLList) {
    return Array.isArray(value) ? value.flatMap((item, i) => typeProblems(item, inner.ofType, [...path, i])) : [];
  }
  if (inner instanceof GraphQLInputObjectType) {
    const record = value as Record<string, unknown>;
    return Object.values(inner.getFields()).flatMap((field) => typeProblems(record[field.name], field.type, [...path, field.name]));
  }
  if (inner instanceof GraphQLScalarType) {
    const problem = scalarProblem(inner.name, value);
    return problem ? [{ path, message: `${path.join(".")} ${problem}` }] : [];
  }
  return [];
}

/** A class-validator error for `path`, nested as class-validator nests them, so errors are reported alike. */
function validationError(path: Path, message: string): ValidationError {
  const error = new ValidationError();
  error.property = String(path[0]);
  error.children = path.length > 1 ? [validationError(path.slice(1), message)] : [];
  if (path.length === 1) error.constraints = { inputShape: message };
  return error;
}

export const validateInput: ValidatorFn = async (value: unknown, _type, { args, info }) => {
  const field = info.parentType.getFields()[info.fieldName];
  const problems = field.args.flatMap((arg) => typeProblems(args[arg.name], arg.type, [arg.name]));
  if (problems.length > 0) throw new ArgumentValidationError(problems.map((p) => validationError(p.path, p.message)));

  const objects = (Array.isArray(value) ? value : [value]).filter((v): v is object => typeof v === "object" && v !== null);
  const errors: ValidationError[] = [];
  for (const object of objects) errors.push(...(await validate(object, OPTIONS)));
  if (errors.length > 0) throw new ArgumentValidationError(errors);
};
