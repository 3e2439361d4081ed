import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 10, item 5: a funding body's STANDARD rate stands in where it publishes none for a rate type
 * (unless its `reference_fallback` is off), and each visit says which basis its frozen reference has.
 * Visits booked before keep their snapshot: those with a reference were priced on a published rate.
 */
export class ReferenceFallback1795543000000 implements MigrationInterface {
    name = 'ReferenceFallback1795543000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "funding_bodies" ADD "reference_fallback" boolean NOT NULL DEFAULT true`);
        await queryRunner.query(`CREATE TYPE "public"."reference_basis" AS ENUM('PUBLISHED', 'FALLBACK_STANDARD')`);
        await queryRunner.query(`ALTER TABLE "visits" ADD "reference_basis" "public"."reference_basis"`);
        await queryRunner.query(`UPDATE "visits" SET "reference_basis" = 'PUBLISHED' WHERE "reference_rate_id" IS NOT NULL`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "visits" DROP COLUMN "reference_basis"`);
        await queryRunner.query(`DROP TYPE "public"."reference_basis"`);
        await queryRunner.query(`ALTER TABLE "funding_bodies" DROP COLUMN "reference_fallback"`);
    }
}
