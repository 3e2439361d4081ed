import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Closing a budget's period: its status, the surplus fixed at close, what was reclaimed
 * (CLAWBACK) or carried forward (CARRY_FORWARD_OUT / _IN), and the CHECKs: available now also
 * subtracts reclaimed and carried forward; a closed budget holds no commitment.
 * By hand: ADD VALUE for the ledger kinds; down() rebuilds ledger_kind without them.
 */
export class PeriodClose1795550000000 implements MigrationInterface {
  name = "PeriodClose1795550000000";

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TYPE "public"."ledger_kind" ADD VALUE 'CLAWBACK'`);
    await q.query(`ALTER TYPE "public"."ledger_kind" ADD VALUE 'CARRY_FORWARD_OUT'`);
    await q.query(`ALTER TYPE "public"."ledger_kind" ADD VALUE 'CARRY_FORWARD_IN'`);
    await q.query(`CREATE TYPE "public"."budget_status" AS ENUM('OPEN', 'CLOSED')`);
    await q.query(`CREATE TYPE "public"."surplus_disposal" AS ENUM('RECLAIM', 'CARRY_FORWARD', 'KEEP')`);
    await q.query(`ALTER TABLE "budgets" ADD "status" "public"."budget_status" NOT NULL DEFAULT 'OPEN'`);
    await q.query(`ALTER TABLE "budgets" ADD "surplus_pence" bigint`);
    await q.query(`ALTER TABLE "budgets" ADD "reclaimed_pence" bigint NOT NULL DEFAULT '0'`);
    await q.query(`ALTER TABLE "budgets" ADD "carried_forward_pence" bigint NOT NULL DEFAULT '0'`);
    await q.query(`ALTER TABLE "budgets" ADD "disposal" "public"."surplus_disposal"`);
    await q.query(`ALTER TABLE "budgets" ADD "closed_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "budgets" DROP CONSTRAINT "chk_budgets_available"`);
    await q.query(`ALTER TABLE "budgets" DROP CONSTRAINT "chk_budgets_totals"`);
    await q.query(
      `ALTER TABLE "budgets" ADD CONSTRAINT "chk_budgets_available" CHECK (allocated_pence - committed_pence - spent_pence - returned_pence - reclaimed_pence - carried_forward_pence >= 0)`,
    );
    await q.query(
      `ALTER TABLE "budgets" ADD CONSTRAINT "chk_budgets_totals" CHECK (allocated_pence >= 0 AND committed_pence >= 0 AND spent_pence >= 0 AND returned_pence >= 0 AND reclaimed_pence >= 0 AND carried_forward_pence >= 0)`,
    );
    await q.query(
      `ALTER TABLE "budgets" ADD CONSTRAINT "chk_budgets_closed" CHECK (status = 'OPEN' OR (committed_pence = 0 AND surplus_pence IS NOT NULL AND closed_at IS NOT NULL AND disposal IS NOT NULL))`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "budgets" DROP CONSTRAINT "chk_budgets_closed"`);
    await q.query(`ALTER TABLE "budgets" DROP CONSTRAINT "chk_budgets_totals"`);
    await q.query(`ALTER TABLE "budgets" DROP CONSTRAINT "chk_budgets_available"`);
    await q.query(`ALTER TABLE "budgets" ADD CONSTRAINT "chk_budgets_totals" CHECK (allocated_pence >= 0 AND committed_pence >= 0 AND spent_pence >= 0 AND returned_pence >= 0)`);
    await q.query(`ALTER TABLE "budgets" ADD CONSTRAINT "chk_budgets_available" CHECK (allocated_pence - committed_pence - spent_pence - returned_pence >= 0)`);
    await q.query(`ALTER TABLE "budgets" DROP COLUMN "closed_at"`);
    await q.query(`ALTER TABLE "budgets" DROP COLUMN "disposal"`);
    await q.query(`ALTER TABLE "budgets" DROP COLUMN "carried_forward_pence"`);
    await q.query(`ALTER TABLE "budgets" DROP COLUMN "reclaimed_pence"`);
    await q.query(`ALTER TABLE "budgets" DROP COLUMN "surplus_pence"`);
    await q.query(`ALTER TABLE "budgets" DROP COLUMN "status"`);
    await q.query(`DROP TYPE "public"."surplus_disposal"`);
    await q.query(`DROP TYPE "public"."budget_status"`);
    await q.query(`CREATE TYPE "public"."ledger_kind_old" AS ENUM('ALLOCATION', 'TOP_UP', 'COMMITMENT', 'RELEASE', 'SPEND', 'REFUND', 'RETURN_TO_FUNDER', 'FEE', 'REVERSAL')`);
    await q.query(`ALTER TABLE "ledger_entries" ALTER COLUMN "kind" TYPE "public"."ledger_kind_old" USING "kind"::"text"::"public"."ledger_kind_old"`);
    await q.query(`DROP TYPE "public"."ledger_kind"`);
    await q.query(`ALTER TYPE "public"."ledger_kind_old" RENAME TO "ledger_kind"`);
  }
}
