import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * A package waits for a commissioner's approval of its items (PENDING_APPROVAL), and a refused
 * one is REJECTED; bookings are found by listing (capacity: every booking, the planner).
 * By hand: ADD VALUE places each new status where the entity's enum has it; down() rebuilds the
 * type without them (a package in either status goes back to PROPOSED, as before agreement).
 */
export class PlansAndApprovals1795542000000 implements MigrationInterface {
    name = 'PlansAndApprovals1795542000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TYPE "public"."package_status" ADD VALUE IF NOT EXISTS 'PENDING_APPROVAL' BEFORE 'AGREED'`);
        await queryRunner.query(`ALTER TYPE "public"."package_status" ADD VALUE IF NOT EXISTS 'REJECTED' AFTER 'AGREED'`);
        await queryRunner.query(`CREATE INDEX "idx_bookings_listing_id" ON "bookings" ("listing_id") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."idx_bookings_listing_id"`);
        await queryRunner.query(`ALTER TABLE "packages" ALTER COLUMN "status" DROP DEFAULT`);
        await queryRunner.query(`ALTER TYPE "public"."package_status" RENAME TO "package_status_old"`);
        await queryRunner.query(`CREATE TYPE "public"."package_status" AS ENUM('DRAFT', 'PROPOSED', 'AGREED', 'CANCELLED')`);
        await queryRunner.query(`ALTER TABLE "packages" ALTER COLUMN "status" TYPE "public"."package_status" USING (CASE WHEN "status"::text IN ('PENDING_APPROVAL', 'REJECTED') THEN 'PROPOSED' ELSE "status"::text END)::"public"."package_status"`);
        await queryRunner.query(`ALTER TABLE "packages" ALTER COLUMN "status" SET DEFAULT 'DRAFT'`);
        await queryRunner.query(`DROP TYPE "public"."package_status_old"`);
    }
}
