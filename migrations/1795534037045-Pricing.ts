import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Reference rates (effective-dated versions; the exclusion constraint refuses two versions of one
 * yardstick in force on the same day), the comparison frozen on each visit, and budgets' gain policies.
 * Generated from the entities, then reviewed; added by hand: the index the efficiency reports read by.
 */

export class Pricing1795534037045 implements MigrationInterface {
    name = 'Pricing1795534037045'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TYPE "public"."reference_source_kind" AS ENUM('COUNCIL_DP_RATE', 'COUNCIL_FRAMEWORK_RATE', 'MINIMUM_PRICE', 'NATIONAL_AVERAGE')`);
        await queryRunner.query(`CREATE TABLE "reference_rates" ("id" uuid NOT NULL, "funding_body_code" character varying(9) NOT NULL, "category_code" character varying(40) NOT NULL, "unit" "public"."unit" NOT NULL, "visit_minutes" smallint, "rate_type" "public"."rate_type" NOT NULL, "rate_pence" integer NOT NULL, "valid_from" date NOT NULL, "valid_to" date, "source_kind" "public"."reference_source_kind" NOT NULL, "source" character varying(500) NOT NULL, "created_by_user_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_reference_rates_visit_minutes" CHECK ((unit = 'VISIT') = (visit_minutes IS NOT NULL)), CONSTRAINT "chk_reference_rates_validity" CHECK (valid_to IS NULL OR valid_to >= valid_from), CONSTRAINT "chk_reference_rates_positive" CHECK (rate_pence > 0), CONSTRAINT "excl_reference_rates_overlap" EXCLUDE USING gist ("funding_body_code" WITH =, "category_code" WITH =, "unit" WITH =, (coalesce("visit_minutes", 0)) WITH =, "rate_type" WITH =, "source_kind" WITH =, daterange("valid_from", "valid_to", '[]') WITH &&), CONSTRAINT "pk_reference_rates" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_reference_rates_lookup" ON "reference_rates"  ("funding_body_code", "category_code", "unit", "rate_type", "valid_from") `);
        await queryRunner.query(`CREATE TYPE "public"."gain_mode" AS ENUM('RETAIN', 'RETURN', 'SHARE')`);
        await queryRunner.query(`ALTER TABLE "budgets" ADD "gain_mode" "public"."gain_mode" NOT NULL DEFAULT 'RETAIN'`);
        await queryRunner.query(`ALTER TABLE "budgets" ADD "gain_return_percent" smallint NOT NULL DEFAULT '0'`);
        await queryRunner.query(`ALTER TABLE "visits" ADD "reference_rate_id" uuid`);
        await queryRunner.query(`ALTER TABLE "visits" ADD "reference_cost_pence" integer`);
        await queryRunner.query(`ALTER TABLE "visits" ADD "earmark_pence" integer NOT NULL DEFAULT '0'`);
        await queryRunner.query(`ALTER TABLE "visits" ADD "below_minimum_price" boolean NOT NULL DEFAULT false`);
        await queryRunner.query(`CREATE INDEX "idx_visits_reference_rate_id" ON "visits"  ("reference_rate_id") `);
        await queryRunner.query(`ALTER TABLE "budgets" ADD CONSTRAINT "chk_budgets_gain_policy" CHECK ((gain_mode = 'RETAIN' AND gain_return_percent = 0) OR (gain_mode = 'RETURN' AND gain_return_percent = 100) OR (gain_mode = 'SHARE' AND gain_return_percent BETWEEN 1 AND 99))`);
        await queryRunner.query(`ALTER TABLE "reference_rates" ADD CONSTRAINT "fk_reference_rates_funding_body_code" FOREIGN KEY ("funding_body_code") REFERENCES "funding_bodies"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "reference_rates" ADD CONSTRAINT "fk_reference_rates_category_code" FOREIGN KEY ("category_code") REFERENCES "service_categories"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "reference_rates" ADD CONSTRAINT "fk_reference_rates_created_by_user_id" FOREIGN KEY ("created_by_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "visits" ADD CONSTRAINT "fk_visits_reference_rate_id" FOREIGN KEY ("reference_rate_id") REFERENCES "reference_rates"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        // Efficiency reports read delivered visits by day.
        await queryRunner.query(`CREATE INDEX "idx_visits_delivered_starts_at" ON "visits" ("starts_at") WHERE status = 'DELIVERED'`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."idx_visits_delivered_starts_at"`);
        await queryRunner.query(`ALTER TABLE "visits" DROP CONSTRAINT "fk_visits_reference_rate_id"`);
        await queryRunner.query(`ALTER TABLE "reference_rates" DROP CONSTRAINT "fk_reference_rates_created_by_user_id"`);
        await queryRunner.query(`ALTER TABLE "reference_rates" DROP CONSTRAINT "fk_reference_rates_category_code"`);
        await queryRunner.query(`ALTER TABLE "reference_rates" DROP CONSTRAINT "fk_reference_rates_funding_body_code"`);
        await queryRunner.query(`ALTER TABLE "budgets" DROP CONSTRAINT "chk_budgets_gain_policy"`);
        await queryRunner.query(`DROP INDEX "public"."idx_visits_reference_rate_id"`);
        await queryRunner.query(`ALTER TABLE "visits" DROP COLUMN "below_minimum_price"`);
        await queryRunner.query(`ALTER TABLE "visits" DROP COLUMN "earmark_pence"`);
        await queryRunner.query(`ALTER TABLE "visits" DROP COLUMN "reference_cost_pence"`);
        await queryRunner.query(`ALTER TABLE "visits" DROP COLUMN "reference_rate_id"`);
        await queryRunner.query(`ALTER TABLE "budgets" DROP COLUMN "gain_return_percent"`);
        await queryRunner.query(`ALTER TABLE "budgets" DROP COLUMN "gain_mode"`);
        await queryRunner.query(`DROP TYPE "public"."gain_mode"`);
        await queryRunner.query(`DROP INDEX "public"."idx_reference_rates_lookup"`);
        await queryRunner.query(`DROP TABLE "reference_rates"`);
        await queryRunner.query(`DROP TYPE "public"."reference_source_kind"`);
    }

}
