import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Budget reviews (DOMAIN.md rule 7, reg. 7): an append-only record of each review, with the
 * budget's funding body (lists by funding body need no join), and an index for the overdue list.
 */
export class BudgetReviews1795551000000 implements MigrationInterface {
  name = "BudgetReviews1795551000000";

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE "public"."budget_review_outcome" AS ENUM('CONTINUE', 'CHANGE_ALLOCATION', 'SUSPEND', 'STOP')`);
    await q.query(
      `CREATE TABLE "budget_reviews" ("id" uuid NOT NULL, "budget_id" uuid NOT NULL, "funding_body_code" character varying(9) NOT NULL, "reviewed_on" date NOT NULL, "outcome" "public"."budget_review_outcome" NOT NULL, "notes" character varying(2000) NOT NULL, "next_review_due_on" date NOT NULL, "recorded_by_user_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_budget_reviews_next" CHECK (next_review_due_on >= reviewed_on), CONSTRAINT "pk_budget_reviews" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "idx_budget_reviews_budget_id_id" ON "budget_reviews" ("budget_id", "id") `);
    await q.query(
      `ALTER TABLE "budget_reviews" ADD CONSTRAINT "fk_budget_reviews_budget_id" FOREIGN KEY ("budget_id") REFERENCES "budgets"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "budget_reviews" ADD CONSTRAINT "fk_budget_reviews_funding_body_code" FOREIGN KEY ("funding_body_code") REFERENCES "funding_bodies"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "budget_reviews" ADD CONSTRAINT "fk_budget_reviews_recorded_by_user_id" FOREIGN KEY ("recorded_by_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(`CREATE FUNCTION budget_reviews_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'budget reviews are append-only: record a new review instead' USING ERRCODE = 'restrict_violation'; END $$`);
    await q.query(`CREATE TRIGGER trg_budget_reviews_immutable BEFORE UPDATE OR DELETE ON "budget_reviews" FOR EACH ROW EXECUTE FUNCTION budget_reviews_are_immutable()`);
    await q.query(`CREATE INDEX "idx_budgets_funding_body_code_review_due_on_id" ON "budgets" ("funding_body_code", "review_due_on", "id") `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."idx_budgets_funding_body_code_review_due_on_id"`);
    await q.query(`DROP TRIGGER trg_budget_reviews_immutable ON "budget_reviews"`);
    await q.query(`DROP FUNCTION budget_reviews_are_immutable()`);
    await q.query(`DROP TABLE "budget_reviews"`);
    await q.query(`DROP TYPE "public"."budget_review_outcome"`);
  }
}
