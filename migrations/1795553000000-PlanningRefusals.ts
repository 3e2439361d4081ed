import type { MigrationInterface, QueryRunner } from "typeorm";

/** Needs the planner found no supply for (NO_PROVIDER, NO_CAPACITY), kept for reports' marketGaps. */
export class PlanningRefusals1795553000000 implements MigrationInterface {
  name = "PlanningRefusals1795553000000";

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE "public"."unmet_reason" AS ENUM('NO_PROVIDER', 'NO_CAPACITY', 'TOO_FEW_PROVIDERS', 'OVER_BUDGET')`);
    await q.query(
      `CREATE TABLE "planning_refusals" ("id" uuid NOT NULL, "client_id" uuid NOT NULL, "funding_body_code" character varying(9) NOT NULL, "category_code" character varying(40) NOT NULL, "postcode_district" character varying(4) NOT NULL, "reason" "public"."unmet_reason" NOT NULL, "refused_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "pk_planning_refusals" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "idx_planning_refusals_funding_body_refused" ON "planning_refusals" ("funding_body_code", "refused_at")`);
    await q.query(
      `ALTER TABLE "planning_refusals" ADD CONSTRAINT "fk_planning_refusals_client_id" FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "planning_refusals" ADD CONSTRAINT "fk_planning_refusals_funding_body_code" FOREIGN KEY ("funding_body_code") REFERENCES "funding_bodies"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "planning_refusals" ADD CONSTRAINT "fk_planning_refusals_category_code" FOREIGN KEY ("category_code") REFERENCES "service_categories"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "planning_refusals"`);
    await q.query(`DROP TYPE "public"."unmet_reason"`);
  }
}
