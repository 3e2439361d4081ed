import type { MigrationInterface, QueryRunner } from "typeorm";

/** Time bands (DOMAIN.md rule 12): the hour from which a funding body's EVENING rate applies. */
export class TimeBands1795541000000 implements MigrationInterface {
    name = 'TimeBands1795541000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "funding_bodies" ADD "evening_from_hour" smallint NOT NULL DEFAULT '18'`);
        await queryRunner.query(`ALTER TABLE "funding_bodies" ADD CONSTRAINT "chk_funding_bodies_evening_from_hour" CHECK (evening_from_hour BETWEEN 12 AND 23)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "funding_bodies" DROP CONSTRAINT "chk_funding_bodies_evening_from_hour"`);
        await queryRunner.query(`ALTER TABLE "funding_bodies" DROP COLUMN "evening_from_hour"`);
    }
}
