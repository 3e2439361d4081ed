import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * An open marketplace: providers' verifications (who checked what, when), the CQC register of
 * locations, and the Open Referral feed's index. Generated from the entities, then reviewed; by hand:
 * the backfill (every provider listed before verification was required counts as verified, so no
 * listing disappears from search on upgrade) and the feed's partial covering index.
 */
export class Marketplace1795547000000 implements MigrationInterface {
  name = "Marketplace1795547000000";

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE "public"."cqc_location_status" AS ENUM('REGISTERED', 'DORMANT', 'DEREGISTERED')`);
    await q.query(
      `CREATE TABLE "cqc_locations" ("location_id" character varying(20) NOT NULL, "name" character varying(300) NOT NULL, "postcode" character varying(10), "status" "public"."cqc_location_status" NOT NULL, "rating" "public"."cqc_rating", "regulated_activities" character varying(200) array NOT NULL DEFAULT '{}', "registered_on" date, "imported_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "pk_cqc_locations" PRIMARY KEY ("location_id"))`,
    );
    await q.query(`CREATE TYPE "public"."verification_check" AS ENUM('CQC_REGISTER', 'DBS', 'INSURANCE', 'IDENTITY')`);
    await q.query(
      `CREATE TABLE "provider_verifications" ("id" uuid NOT NULL, "provider_id" uuid NOT NULL, "verified_at" TIMESTAMP WITH TIME ZONE NOT NULL, "verified_by_user_id" uuid, "checks" "public"."verification_check" array NOT NULL, "note" text NOT NULL DEFAULT '', CONSTRAINT "pk_provider_verifications" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "idx_provider_verifications_provider_id_verified_at" ON "provider_verifications"  ("provider_id", "verified_at") `);
    await q.query(
      `ALTER TABLE "provider_verifications" ADD CONSTRAINT "fk_provider_verifications_provider_id" FOREIGN KEY ("provider_id") REFERENCES "providers"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "provider_verifications" ADD CONSTRAINT "fk_provider_verifications_verified_by_user_id" FOREIGN KEY ("verified_by_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    // The feed pages active listings in id order: an index-only scan carrying what its filters join on.
    await q.query(`CREATE INDEX "idx_listings_feed" ON "listings" ("id") INCLUDE ("provider_id", "category_code") WHERE active`);
    // Backfill: providers listed before verification was required keep their listings visible.
    await q.query(
      `INSERT INTO "provider_verifications" ("id", "provider_id", "verified_at", "verified_by_user_id", "checks", "note")
       SELECT gen_random_uuid(), id, now(), NULL, '{}', 'Listed before verification was required (migration 1795547000000).' FROM "providers"`,
    );
    await q.query(`UPDATE "providers" SET "verified" = true WHERE NOT "verified"`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."idx_listings_feed"`);
    await q.query(`ALTER TABLE "provider_verifications" DROP CONSTRAINT "fk_provider_verifications_verified_by_user_id"`);
    await q.query(`ALTER TABLE "provider_verifications" DROP CONSTRAINT "fk_provider_verifications_provider_id"`);
    await q.query(`DROP INDEX "public"."idx_provider_verifications_provider_id_verified_at"`);
    await q.query(`DROP TABLE "provider_verifications"`);
    await q.query(`DROP TYPE "public"."verification_check"`);
    await q.query(`DROP TABLE "cqc_locations"`);
    await q.query(`DROP TYPE "public"."cqc_location_status"`);
  }
}
