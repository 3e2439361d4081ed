/**
 * Idempotency keys: a retried mutation with the same key and the same input gets the first
 * result; the same key with another input is refused. The key is claimed inside the mutation's
 * own transaction, so concurrent duplicates wait on the first (the unique key), then replay it;
 * a failed first attempt rolls its claim back and leaves the key free.
 */
import { createHash } from "node:crypto";
import { Column, Entity, ForeignKey, PrimaryColumn, type EntityManager } from "typeorm";
import { fail, UserErrorCode, type Result } from "./errors";

@Entity("idempotency_keys")
export class IdempotencyKeyEntity {
  @ForeignKey("users", { onDelete: "RESTRICT" })
  @PrimaryColumn({ type: "uuid" })
  actorUserId!: string;

  @PrimaryColumn({ type: "varchar", length: 200 })
  key!: string;

  @Column({ type: "varchar", length: 60 })
  operation!: string;

  /** SHA-256 of the input (without the key), to tell a retry from a reuse. */
  @Column({ type: "char", length: 64 })
  requestHash!: string;

  /** The object the first call created or changed. */
  @Column({ type: "uuid", nullable: true })
  resultId!: string | null;

  @Column({ type: "timestamptz", default: () => "now()" })
  createdAt!: Date;
}

export interface IdempotentCall {
  actorUserId: string;
  key: string;
  operation: string;
  input: unknown;
}

/**
 * Runs `work` once per key. A replay calls `load` with the first call's result id instead.
 * Must run inside the transaction that does the work.
 */
export async function once<T>(
  tx: EntityManager,
  call: IdempotentCall,
  work: () => Promise<Result<T>>,
  idOf: (value: T) => string,
  load: (id: string) => Promise<T | null>,
): Promise<Result<T>> {
  const requestHash = hashOf(call.operation, call.input);
  const claimed: unknown[] = await tx.query(
    `INSERT INTO idempotency_keys (actor_user_id, key, operation, request_hash) VALUES ($1, $2, $3, $4)
     ON CONFLICT DO NOTHING RETURNING key`,
    [call.actorUserId, call.key, call.operation, requestHash],
  );
  if (claimed.length === 0) {
    const [first]: { operation: string; request_hash: string; result_id: string | null }[] = await tx.query(
      "SELECT operation, request_hash, result_id FROM idempotency_keys WHERE actor_user_id = $1 AND key = $2",
      [call.actorUserId, call.key],
    );
    const replayed = first.operation === call.operation && first.request_hash === requestHash && first.result_id ? await load(first.result_id) : null;
    if (replayed) return { ok: true, value: replayed };
    return fail(UserErrorCode.IDEMPOTENCY_KEY_REUSED, "This idempotency key was already used for a different request. Use a new key for a new request.", [
      "idempotencyKey",
    ]);
  }
  const result = await work();
  if (result.ok) {
    await tx.query("UPDATE idempotency_keys SET result_id = $3 WHERE actor_user_id = $1 AND key = $2", [call.actorUserId, call.key, idOf(result.value)]);
  }
  return result;
}

export function hashOf(operation: string, input: unknown): string {
  return createHash("sha256")
    .update(`${operation}\n${canonicalJson(input)}`)
    .digest("hex");
}

/** JSON with object keys sorted and the idempotency key itself left out. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (key, v: unknown) => {
    if (key === "idempotencyKey") return undefined;
    if (v && typeof v === "object" && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)));
    }
    return v;
  });
}
