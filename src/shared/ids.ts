/**
 * Opaque global IDs: base64url of "TypeName:key". Encoding and decoding happen only here, so the
 * format can change without touching resolvers. Database keys are UUIDv7 (time-ordered, so new rows
 * land at the end of their index and "newest first" is an index scan on the primary key).
 */
import { createHash, randomBytes } from "node:crypto";
import { Field, ID, InterfaceType } from "type-graphql";

export function toGlobalId(type: string, key: string): string {
  return Buffer.from(`${type}:${key}`, "utf8").toString("base64url");
}

export function parseGlobalId(id: string): { type: string; key: string } | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(id)) return null;
  const decoded = Buffer.from(id, "base64url").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 1 || colon === decoded.length - 1) return null;
  return { type: decoded.slice(0, colon), key: decoded.slice(colon + 1) };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUuid(key: string): boolean {
  return UUID.test(key);
}

/** The UUID inside a global ID of the expected type, or null (wrong type, malformed, not ours). */
export function uuidOf(id: string, expectedType: string): string | null {
  const parsed = parseGlobalId(id);
  if (!parsed || parsed.type !== expectedType || !isUuid(parsed.key)) return null;
  return parsed.key;
}

/**
 * An optional id of a command: undefined when none is given, null when the one given is no id of
 * the expected type (the service answers NOT_FOUND), else its UUID.
 */
export function optionalUuidOf(id: string | null | undefined, expectedType: string): string | null | undefined {
  return id ? uuidOf(id, expectedType) : undefined;
}

/**
 * RFC 9562 UUID version 7: 48-bit Unix milliseconds, a 12-bit counter, random bits. The counter
 * (RFC 9562 §6.2, method 1) keeps ids made in the same millisecond in creation order, which
 * "newest first" relies on; it is the one piece of module state, and only this process's order matters.
 */
const clock = { ms: 0, counter: 0 };

export function newId(): string {
  const now = Date.now();
  if (now > clock.ms) {
    clock.ms = now;
    clock.counter = 0;
  } else if (++clock.counter > 0xfff) {
    clock.ms += 1;
    clock.counter = 0;
  }
  const bytes = randomBytes(16);
  bytes.writeUIntBE(clock.ms, 0, 6);
  bytes[6] = 0x70 | (clock.counter >> 8);
  bytes[7] = clock.counter & 0xff;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Every entity type implements Node. Resolvers return storage entities, so the GraphQL type is
 * read from the entity's class name by convention: `ListingEntity` is a `Listing`.
 */
@InterfaceType("Node", {
  description: "An object with a globally unique, opaque ID that `node(id:)` can fetch.",
  resolveType: (value: object) => value.constructor.name.replace(/Entity$/, ""),
})
export abstract class Node {
  @Field(() => ID)
  id!: string;
}

/** How `node(id:)` finds an object of one type for the current viewer (null when not visible). */
export type NodeFetcher<TContext> = (key: string, context: TContext) => Promise<object | null>;

/**
 * RFC 9562 UUID version 8 from SHA-256 of `namespace` and `name`: the same name gives the same id,
 * for ids that must be stable without a row (a newcomer's future user id, the Open Referral feed's
 * derived objects). Not time-ordered: never for rows that "newest first" orders.
 */
export function nameBasedId(namespace: string, name: string): string {
  const bytes = createHash("sha256").update(`${namespace}\u0000${name}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x80;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
