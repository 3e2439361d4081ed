import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Brokers' packages (items booked all at once when agreed), funding bodies' brokerage terms,
 * listings' stated availability and weekly capacity (for planning), and group sessions in care
 * homes (each participant's share is a booking of their own).
 * Generated from the entities, then reviewed; by hand: brokerage_charged_to is shared by
 * funding_bodies and packages, so it is created once and dropped after both.
 */

export class BrokersPackagesCareHomes1795536267384 implements MigrationInterface {
    name = 'BrokersPackagesCareHomes1795536267384'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TYPE "public"."group_split" AS ENUM('EQUAL', 'BY_UNITS')`);
        await queryRunner.query(`CREATE TABLE "group_bookings" ("id" uuid NOT NULL, "listing_id" uuid NOT NULL, "provider_id" uuid NOT NULL, "care_home_id" uuid NOT NULL, "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "recurrence" character varying(500), "units_per_session" numeric(8,2) NOT NULL, "split" "public"."group_split" NOT NULL, "session_price_pence" integer NOT NULL, "created_by_user_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_group_bookings" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TYPE "public"."package_status" AS ENUM('DRAFT', 'PROPOSED', 'AGREED', 'CANCELLED')`);
        await queryRunner.query(`CREATE TYPE "public"."brokerage_charged_to" AS ENUM('FUNDING_BODY', 'BUDGET')`);
        await queryRunner.query(`CREATE TABLE "packages" ("id" uuid NOT NULL, "client_id" uuid NOT NULL, "budget_id" uuid NOT NULL, "funding_body_code" character varying(9) NOT NULL, "broker_user_id" uuid NOT NULL, "status" "public"."package_status" NOT NULL DEFAULT 'DRAFT', "brokerage_minutes" integer NOT NULL DEFAULT '0', "brokerage_fee_pence" integer NOT NULL DEFAULT '0', "brokerage_charged_to" "public"."brokerage_charged_to", "agreed_at" TIMESTAMP WITH TIME ZONE, "agreed_by_user_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_packages_brokerage" CHECK (brokerage_minutes >= 0 AND brokerage_fee_pence >= 0), CONSTRAINT "pk_packages" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_packages_funding_body_agreed" ON "packages"  ("funding_body_code", "agreed_at") `);
        await queryRunner.query(`CREATE INDEX "idx_packages_client_id_id" ON "packages"  ("client_id", "id") `);
        await queryRunner.query(`CREATE TABLE "package_items" ("id" uuid NOT NULL, "package_id" uuid NOT NULL, "position" smallint NOT NULL, "listing_id" uuid NOT NULL, "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "recurrence" character varying(500), "units_per_visit" numeric(8,2) NOT NULL, "ends_on" date, "payee_relationship" "public"."payee_relationship" NOT NULL DEFAULT 'NONE', "visit_count" integer NOT NULL, "cost_pence" integer NOT NULL, "reference_cost_pence" integer, "earmark_pence" integer NOT NULL DEFAULT '0', "booking_id" uuid, "removed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "pk_package_items" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_package_items_package_id" ON "package_items"  ("package_id", "position") `);
        await queryRunner.query(`CREATE TYPE "public"."brokerage_mode" AS ENUM('NONE', 'PER_PACKAGE', 'PER_HOUR')`);
        await queryRunner.query(`ALTER TABLE "funding_bodies" ADD "brokerage_mode" "public"."brokerage_mode" NOT NULL DEFAULT 'NONE'`);
        await queryRunner.query(`ALTER TABLE "funding_bodies" ADD "brokerage_fee_pence" integer NOT NULL DEFAULT '0'`);
        await queryRunner.query(`ALTER TABLE "funding_bodies" ADD "brokerage_charged_to" "public"."brokerage_charged_to" NOT NULL DEFAULT 'FUNDING_BODY'`);
        await queryRunner.query(`ALTER TABLE "listings" ADD "weekly_capacity_units" numeric(8,2)`);
        await queryRunner.query(`CREATE TYPE "public"."weekday" AS ENUM('MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU')`);
        await queryRunner.query(`ALTER TABLE "listings" ADD "available_days" "public"."weekday" array NOT NULL DEFAULT '{MO,TU,WE,TH,FR,SA,SU}'`);
        await queryRunner.query(`ALTER TABLE "listings" ADD "available_from" character(5) NOT NULL DEFAULT '00:00'`);
        await queryRunner.query(`ALTER TABLE "listings" ADD "available_to" character(5) NOT NULL DEFAULT '24:00'`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD "group_booking_id" uuid`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD "group_share_pence" integer`);
        await queryRunner.query(`CREATE INDEX "idx_bookings_group_booking_id" ON "bookings"  ("group_booking_id") `);
        await queryRunner.query(`ALTER TABLE "listings" ADD CONSTRAINT "chk_listings_available_hours" CHECK (available_from < available_to AND available_from ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' AND available_to ~ '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$')`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD CONSTRAINT "chk_bookings_group_share" CHECK ((group_booking_id IS NULL) = (group_share_pence IS NULL) AND coalesce(group_share_pence, 0) >= 0)`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD CONSTRAINT "fk_bookings_group_booking_id" FOREIGN KEY ("group_booking_id") REFERENCES "group_bookings"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "group_bookings" ADD CONSTRAINT "fk_group_bookings_listing_id" FOREIGN KEY ("listing_id") REFERENCES "listings"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "group_bookings" ADD CONSTRAINT "fk_group_bookings_provider_id" FOREIGN KEY ("provider_id") REFERENCES "providers"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "group_bookings" ADD CONSTRAINT "fk_group_bookings_care_home_id" FOREIGN KEY ("care_home_id") REFERENCES "providers"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "group_bookings" ADD CONSTRAINT "fk_group_bookings_created_by_user_id" FOREIGN KEY ("created_by_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "packages" ADD CONSTRAINT "fk_packages_client_id" FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "packages" ADD CONSTRAINT "fk_packages_budget_id" FOREIGN KEY ("budget_id") REFERENCES "budgets"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "packages" ADD CONSTRAINT "fk_packages_broker_user_id" FOREIGN KEY ("broker_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "packages" ADD CONSTRAINT "fk_packages_agreed_by_user_id" FOREIGN KEY ("agreed_by_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "package_items" ADD CONSTRAINT "fk_package_items_package_id" FOREIGN KEY ("package_id") REFERENCES "packages"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "package_items" ADD CONSTRAINT "fk_package_items_listing_id" FOREIGN KEY ("listing_id") REFERENCES "listings"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "package_items" ADD CONSTRAINT "fk_package_items_booking_id" FOREIGN KEY ("booking_id") REFERENCES "bookings"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "package_items" DROP CONSTRAINT "fk_package_items_booking_id"`);
        await queryRunner.query(`ALTER TABLE "package_items" DROP CONSTRAINT "fk_package_items_listing_id"`);
        await queryRunner.query(`ALTER TABLE "package_items" DROP CONSTRAINT "fk_package_items_package_id"`);
        await queryRunner.query(`ALTER TABLE "packages" DROP CONSTRAINT "fk_packages_agreed_by_user_id"`);
        await queryRunner.query(`ALTER TABLE "packages" DROP CONSTRAINT "fk_packages_broker_user_id"`);
        await queryRunner.query(`ALTER TABLE "packages" DROP CONSTRAINT "fk_packages_budget_id"`);
        await queryRunner.query(`ALTER TABLE "packages" DROP CONSTRAINT "fk_packages_client_id"`);
        await queryRunner.query(`ALTER TABLE "group_bookings" DROP CONSTRAINT "fk_group_bookings_created_by_user_id"`);
        await queryRunner.query(`ALTER TABLE "group_bookings" DROP CONSTRAINT "fk_group_bookings_care_home_id"`);
        await queryRunner.query(`ALTER TABLE "group_bookings" DROP CONSTRAINT "fk_group_bookings_provider_id"`);
        await queryRunner.query(`ALTER TABLE "group_bookings" DROP CONSTRAINT "fk_group_bookings_listing_id"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP CONSTRAINT "fk_bookings_group_booking_id"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP CONSTRAINT "chk_bookings_group_share"`);
        await queryRunner.query(`ALTER TABLE "listings" DROP CONSTRAINT "chk_listings_available_hours"`);
        await queryRunner.query(`DROP INDEX "public"."idx_bookings_group_booking_id"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP COLUMN "group_share_pence"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP COLUMN "group_booking_id"`);
        await queryRunner.query(`ALTER TABLE "listings" DROP COLUMN "available_to"`);
        await queryRunner.query(`ALTER TABLE "listings" DROP COLUMN "available_from"`);
        await queryRunner.query(`ALTER TABLE "listings" DROP COLUMN "available_days"`);
        await queryRunner.query(`DROP TYPE "public"."weekday"`);
        await queryRunner.query(`ALTER TABLE "listings" DROP COLUMN "weekly_capacity_units"`);
        await queryRunner.query(`ALTER TABLE "funding_bodies" DROP COLUMN "brokerage_charged_to"`);
        await queryRunner.query(`ALTER TABLE "funding_bodies" DROP COLUMN "brokerage_fee_pence"`);
        await queryRunner.query(`ALTER TABLE "funding_bodies" DROP COLUMN "brokerage_mode"`);
        await queryRunner.query(`DROP TYPE "public"."brokerage_mode"`);
        await queryRunner.query(`DROP INDEX "public"."idx_package_items_package_id"`);
        await queryRunner.query(`DROP TABLE "package_items"`);
        await queryRunner.query(`DROP INDEX "public"."idx_packages_client_id_id"`);
        await queryRunner.query(`DROP INDEX "public"."idx_packages_funding_body_agreed"`);
        await queryRunner.query(`DROP TABLE "packages"`);
        await queryRunner.query(`DROP TYPE "public"."brokerage_charged_to"`);
        await queryRunner.query(`DROP TYPE "public"."package_status"`);
        await queryRunner.query(`DROP TABLE "group_bookings"`);
        await queryRunner.query(`DROP TYPE "public"."group_split"`);
    }

}
