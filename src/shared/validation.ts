/**
 * Input shape validation with class-validator, as type-graphql's built-in one does (missing
 * properties skipped, unknown values allowed) but with the library loaded once: the built-in
 * path re-requires class-validator for every validated argument of every request.
 */
import { validate, type ValidationError, type ValidatorOptions } from "class-validator";
import { ArgumentValidationError, type ValidatorFn } from "type-graphql";

const OPTIONS: ValidatorOptions = { skipMissingProperties: true, forbidUnknownValues: false };

export const validateInput: ValidatorFn = async (value: unknown) => {
  const objects = (Array.isArray(value) ? value : [value]).filter((v): v is object => typeof v === "object" && v !== null);
  const errors: ValidationError[] = [];
  for (const object of objects) errors.push(...(await validate(object, OPTIONS)));
  if (errors.length > 0) throw new ArgumentValidationError(errors);
};
