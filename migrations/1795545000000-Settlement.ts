import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Delivery and settlement: shift records on visits, the funding body's confirmation window,
 * visits' confirmations and disputes, commissioners' corrections, payment runs, providers'
 * statements and their lines (a visit on one line at most, ever: uq_statement_lines_visit_id),
 * and the REVERSAL ledger kind. Generated from the entities, then reviewed; by hand: the partial
 * index the auto-confirmation job reads (delivered visits by when they were recorded).
 */

export class Settlement1795545000000 implements MigrationInterface {
    name = 'Settlement1795545000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TYPE "public"."payment_run_status" AS ENUM('DRAFT', 'PAID')`);
        await queryRunner.query(`CREATE TABLE "payment_runs" ("id" uuid NOT NULL, "funding_body_code" character varying(9) NOT NULL, "up_to" date NOT NULL, "status" "public"."payment_run_status" NOT NULL DEFAULT 'DRAFT', "total_pence" bigint NOT NULL, "funding_body_pence" bigint NOT NULL, "statement_count" integer NOT NULL, "line_count" integer NOT NULL, "paid_on" date, "reference" character varying(140), "created_by_user_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "chk_payment_runs_paid" CHECK ((status = 'PAID') = (paid_on IS NOT NULL)), CONSTRAINT "pk_payment_runs" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_payment_runs_funding_body_code_id" ON "payment_runs"  ("funding_body_code", "id") `);
        await queryRunner.query(`CREATE TYPE "public"."statement_payer" AS ENUM('FUNDING_BODY', 'BUDGET_HOLDER')`);
        await queryRunner.query(`CREATE TYPE "public"."statement_status" AS ENUM('ISSUED', 'PAID')`);
        await queryRunner.query(`CREATE TABLE "provider_statements" ("id" uuid NOT NULL, "payment_run_id" uuid NOT NULL, "provider_id" uuid NOT NULL, "funding_body_code" character varying(9) NOT NULL, "payer" "public"."statement_payer" NOT NULL, "holder_client_id" uuid, "period_start" date NOT NULL, "period_end" date NOT NULL, "status" "public"."statement_status" NOT NULL DEFAULT 'ISSUED', "total_pence" bigint NOT NULL, "line_count" integer NOT NULL, CONSTRAINT "chk_provider_statements_payer" CHECK ((payer = 'BUDGET_HOLDER') = (holder_client_id IS NOT NULL)), CONSTRAINT "pk_provider_statements" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_provider_statements_funding_body_code_id" ON "provider_statements"  ("funding_body_code", "id") `);
        await queryRunner.query(`CREATE INDEX "idx_provider_statements_provider_id_id" ON "provider_statements"  ("provider_id", "id") `);
        await queryRunner.query(`CREATE INDEX "idx_provider_statements_payment_run_id_id" ON "provider_statements"  ("payment_run_id", "id") `);
        await queryRunner.query(`CREATE TABLE "statement_lines" ("id" uuid NOT NULL, "statement_id" uuid NOT NULL, "visit_id" uuid, "correction_id" uuid, "subject_visit_id" uuid NOT NULL, "client_initials" character varying(12) NOT NULL, "delivered_on" date NOT NULL, "units" numeric(8,2) NOT NULL, "unit_price_pence" integer NOT NULL, "amount_pence" integer NOT NULL, CONSTRAINT "uq_statement_lines_correction_id" UNIQUE ("correction_id"), CONSTRAINT "uq_statement_lines_visit_id" UNIQUE ("visit_id"), CONSTRAINT "chk_statement_lines_source" CHECK ((visit_id IS NULL) <> (correction_id IS NULL)), CONSTRAINT "pk_statement_lines" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_statement_lines_statement_id" ON "statement_lines"  ("statement_id", "delivered_on", "id") `);
        await queryRunner.query(`CREATE INDEX "idx_statement_lines_subject_visit_id" ON "statement_lines"  ("subject_visit_id") `);
        await queryRunner.query(`CREATE TYPE "public"."confirmation_status" AS ENUM('AWAITING', 'CONFIRMED', 'DISPUTED', 'UPHELD', 'REJECTED')`);
        await queryRunner.query(`CREATE TABLE "visit_confirmations" ("visit_id" uuid NOT NULL, "status" "public"."confirmation_status" NOT NULL, "by_user_id" uuid, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "reason" character varying(1000) NOT NULL DEFAULT '', "resolved_by_user_id" uuid, "resolved_at" TIMESTAMP WITH TIME ZONE, "resolution_note" character varying(1000) NOT NULL DEFAULT '', "upheld_units" numeric(8,2) NOT NULL DEFAULT '0', "upheld_pence" integer NOT NULL DEFAULT '0', CONSTRAINT "chk_visit_confirmations_resolved" CHECK ((status IN ('UPHELD', 'REJECTED')) = (resolved_at IS NOT NULL)), CONSTRAINT "chk_visit_confirmations_upheld" CHECK (upheld_units >= 0 AND upheld_pence >= 0 AND (status = 'UPHELD' OR (upheld_units = 0 AND upheld_pence = 0)) AND (status <> 'UPHELD' OR upheld_units > 0)), CONSTRAINT "chk_visit_confirmations_status" CHECK (status <> 'AWAITING'), CONSTRAINT "pk_visit_confirmations" PRIMARY KEY ("visit_id"))`);
        await queryRunner.query(`CREATE TABLE "visit_corrections" ("id" uuid NOT NULL, "visit_id" uuid NOT NULL, "units" numeric(8,2) NOT NULL, "amount_pence" integer NOT NULL, "reason" character varying(1000) NOT NULL, "by_user_id" uuid NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "chk_visit_corrections_amount" CHECK (units > 0 AND amount_pence > 0), CONSTRAINT "pk_visit_corrections" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_visit_corrections_visit_id" ON "visit_corrections"  ("visit_id") `);
        await queryRunner.query(`ALTER TABLE "funding_bodies" ADD "visit_confirmation_days" smallint NOT NULL DEFAULT '7'`);
        await queryRunner.query(`ALTER TABLE "visits" ADD "started_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`ALTER TABLE "visits" ADD "ended_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`ALTER TABLE "visits" ADD "note" character varying(2000) NOT NULL DEFAULT ''`);
        await queryRunner.query(`ALTER TABLE "visits" ADD "booked_units" numeric(8,2)`);
        await queryRunner.query(`ALTER TYPE "public"."ledger_kind" ADD VALUE 'REVERSAL'`);
        await queryRunner.query(`CREATE INDEX "idx_visits_delivered_recorded_at" ON "visits" ("recorded_at") WHERE status = 'DELIVERED'`);
        await queryRunner.query(`ALTER TABLE "visits" ADD CONSTRAINT "chk_visits_shift" CHECK (ended_at > started_at OR (started_at IS NULL AND ended_at IS NULL))`);
        await queryRunner.query(`ALTER TABLE "payment_runs" ADD CONSTRAINT "fk_payment_runs_funding_body_code" FOREIGN KEY ("funding_body_code") REFERENCES "funding_bodies"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "payment_runs" ADD CONSTRAINT "fk_payment_runs_created_by_user_id" FOREIGN KEY ("created_by_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "provider_statements" ADD CONSTRAINT "fk_provider_statements_payment_run_id" FOREIGN KEY ("payment_run_id") REFERENCES "payment_runs"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "provider_statements" ADD CONSTRAINT "fk_provider_statements_provider_id" FOREIGN KEY ("provider_id") REFERENCES "providers"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "provider_statements" ADD CONSTRAINT "fk_provider_statements_funding_body_code" FOREIGN KEY ("funding_body_code") REFERENCES "funding_bodies"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "provider_statements" ADD CONSTRAINT "fk_provider_statements_holder_client_id" FOREIGN KEY ("holder_client_id") REFERENCES "clients"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "statement_lines" ADD CONSTRAINT "fk_statement_lines_statement_id" FOREIGN KEY ("statement_id") REFERENCES "provider_statements"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "statement_lines" ADD CONSTRAINT "fk_statement_lines_visit_id" FOREIGN KEY ("visit_id") REFERENCES "visits"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "statement_lines" ADD CONSTRAINT "fk_statement_lines_correction_id" FOREIGN KEY ("correction_id") REFERENCES "visit_corrections"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "statement_lines" ADD CONSTRAINT "fk_statement_lines_subject_visit_id" FOREIGN KEY ("subject_visit_id") REFERENCES "visits"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "visit_confirmations" ADD CONSTRAINT "fk_visit_confirmations_visit_id" FOREIGN KEY ("visit_id") REFERENCES "visits"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "visit_confirmations" ADD CONSTRAINT "fk_visit_confirmations_by_user_id" FOREIGN KEY ("by_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "visit_confirmations" ADD CONSTRAINT "fk_visit_confirmations_resolved_by_user_id" FOREIGN KEY ("resolved_by_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "visit_corrections" ADD CONSTRAINT "fk_visit_corrections_visit_id" FOREIGN KEY ("visit_id") REFERENCES "visits"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "visit_corrections" ADD CONSTRAINT "fk_visit_corrections_by_user_id" FOREIGN KEY ("by_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "visit_corrections" DROP CONSTRAINT "fk_visit_corrections_by_user_id"`);
        await queryRunner.query(`ALTER TABLE "visit_corrections" DROP CONSTRAINT "fk_visit_corrections_visit_id"`);
        await queryRunner.query(`ALTER TABLE "visit_confirmations" DROP CONSTRAINT "fk_visit_confirmations_resolved_by_user_id"`);
        await queryRunner.query(`ALTER TABLE "visit_confirmations" DROP CONSTRAINT "fk_visit_confirmations_by_user_id"`);
        await queryRunner.query(`ALTER TABLE "visit_confirmations" DROP CONSTRAINT "fk_visit_confirmations_visit_id"`);
        await queryRunner.query(`ALTER TABLE "statement_lines" DROP CONSTRAINT "fk_statement_lines_subject_visit_id"`);
        await queryRunner.query(`ALTER TABLE "statement_lines" DROP CONSTRAINT "fk_statement_lines_correction_id"`);
        await queryRunner.query(`ALTER TABLE "statement_lines" DROP CONSTRAINT "fk_statement_lines_visit_id"`);
        await queryRunner.query(`ALTER TABLE "statement_lines" DROP CONSTRAINT "fk_statement_lines_statement_id"`);
        await queryRunner.query(`ALTER TABLE "provider_statements" DROP CONSTRAINT "fk_provider_statements_holder_client_id"`);
        await queryRunner.query(`ALTER TABLE "provider_statements" DROP CONSTRAINT "fk_provider_statements_funding_body_code"`);
        await queryRunner.query(`ALTER TABLE "provider_statements" DROP CONSTRAINT "fk_provider_statements_provider_id"`);
        await queryRunner.query(`ALTER TABLE "provider_statements" DROP CONSTRAINT "fk_provider_statements_payment_run_id"`);
        await queryRunner.query(`ALTER TABLE "payment_runs" DROP CONSTRAINT "fk_payment_runs_created_by_user_id"`);
        await queryRunner.query(`ALTER TABLE "payment_runs" DROP CONSTRAINT "fk_payment_runs_funding_body_code"`);
        await queryRunner.query(`ALTER TABLE "visits" DROP CONSTRAINT "chk_visits_shift"`);
        await queryRunner.query(`DROP INDEX "public"."idx_visits_delivered_recorded_at"`);
        await queryRunner.query(`CREATE TYPE "public"."ledger_kind_old" AS ENUM('ALLOCATION', 'TOP_UP', 'COMMITMENT', 'RELEASE', 'SPEND', 'REFUND', 'RETURN_TO_FUNDER', 'FEE')`);
        await queryRunner.query(`ALTER TABLE "ledger_entries" ALTER COLUMN "kind" TYPE "public"."ledger_kind_old" USING "kind"::"text"::"public"."ledger_kind_old"`);
        await queryRunner.query(`DROP TYPE "public"."ledger_kind"`);
        await queryRunner.query(`ALTER TYPE "public"."ledger_kind_old" RENAME TO "ledger_kind"`);
        await queryRunner.query(`ALTER TABLE "visits" DROP COLUMN "booked_units"`);
        await queryRunner.query(`ALTER TABLE "visits" DROP COLUMN "note"`);
        await queryRunner.query(`ALTER TABLE "visits" DROP COLUMN "ended_at"`);
        await queryRunner.query(`ALTER TABLE "visits" DROP COLUMN "started_at"`);
        await queryRunner.query(`ALTER TABLE "funding_bodies" DROP COLUMN "visit_confirmation_days"`);
        await queryRunner.query(`DROP INDEX "public"."idx_visit_corrections_visit_id"`);
        await queryRunner.query(`DROP TABLE "visit_corrections"`);
        await queryRunner.query(`DROP TABLE "visit_confirmations"`);
        await queryRunner.query(`DROP TYPE "public"."confirmation_status"`);
        await queryRunner.query(`DROP INDEX "public"."idx_statement_lines_subject_visit_id"`);
        await queryRunner.query(`DROP INDEX "public"."idx_statement_lines_statement_id"`);
        await queryRunner.query(`DROP TABLE "statement_lines"`);
        await queryRunner.query(`DROP INDEX "public"."idx_provider_statements_payment_run_id_id"`);
        await queryRunner.query(`DROP INDEX "public"."idx_provider_statements_provider_id_id"`);
        await queryRunner.query(`DROP INDEX "public"."idx_provider_statements_funding_body_code_id"`);
        await queryRunner.query(`DROP TABLE "provider_statements"`);
        await queryRunner.query(`DROP TYPE "public"."statement_status"`);
        await queryRunner.query(`DROP TYPE "public"."statement_payer"`);
        await queryRunner.query(`DROP INDEX "public"."idx_payment_runs_funding_body_code_id"`);
        await queryRunner.query(`DROP TABLE "payment_runs"`);
        await queryRunner.query(`DROP TYPE "public"."payment_run_status"`);
    }

}
