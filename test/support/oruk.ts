/**
 * The Open Referral UK JSON schemas (test/fixtures/oruk) compiled with ajv and formats: what the
 * feed's tests and `npm run bench:openreferral` validate its answers against.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addFormat("csv", true);
const read = (file: string) => JSON.parse(readFileSync(path.join(__dirname, "..", "fixtures", "oruk", file), "utf8")) as object;
// The uncompiled schemas name each other by file name.
for (const file of ["taxonomy.json", "taxonomy_term.json"]) ajv.addSchema(read(file), file);
const schema = (file: string): ValidateFunction => ajv.getSchema(file) ?? ajv.compile(read(file));

export const SERVICE = schema("service.json");
export const SERVICE_LIST = schema("service_list.json");
export const SERVICE_AT_LOCATION_LIST = schema("service_at_location_list.json");
export const TAXONOMY = schema("taxonomy.json");
export const TAXONOMY_TERM = schema("taxonomy_term.json");

/** What ajv found wrong with `value`, one line per error; none when it is valid. */
export function errorsOf(validate: ValidateFunction, value: unknown): string[] {
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
