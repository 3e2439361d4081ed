import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Clients, budgets and their append-only ledger, bookings and visits, quotes, idempotency keys.
 * Generated from the entities, then reviewed; added by hand: btree_gist (for the personal-assistant
 * overlap exclusion), the trigger that keeps ledger entries immutable, and the partial indexes of quotes.
 */

export class BudgetsBookingsQuotes1795532869915 implements MigrationInterface {
    name = 'BudgetsBookingsQuotes1795532869915'

    public async up(queryRunner: QueryRunner): Promise<void> {
        // Lets a GiST exclusion constraint compare provider_id with = beside the time range.
        await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);
        await queryRunner.query(`CREATE TABLE "idempotency_keys" ("actor_user_id" uuid NOT NULL, "key" character varying(200) NOT NULL, "operation" character varying(60) NOT NULL, "request_hash" character(64) NOT NULL, "result_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_idempotency_keys" PRIMARY KEY ("actor_user_id", "key"))`);
        await queryRunner.query(`CREATE TYPE "public"."client_setting" AS ENUM('OWN_HOME', 'CARE_HOME')`);
        await queryRunner.query(`CREATE TABLE "clients" ("id" uuid NOT NULL, "display_name" character varying(120) NOT NULL, "postcode_district" character varying(4) NOT NULL, "funding_body_code" character varying(9) NOT NULL, "setting" "public"."client_setting" NOT NULL, "care_home_id" uuid, "date_of_birth" date NOT NULL, "new_to_support" boolean NOT NULL DEFAULT false, "broker_user_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_clients_care_home" CHECK ((setting = 'CARE_HOME') = (care_home_id IS NOT NULL)), CONSTRAINT "pk_clients" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_clients_care_home_id" ON "clients"  ("care_home_id") `);
        await queryRunner.query(`CREATE INDEX "idx_clients_broker_user_id" ON "clients"  ("broker_user_id") `);
        await queryRunner.query(`CREATE INDEX "idx_clients_funding_body_code_id" ON "clients"  ("funding_body_code", "id") `);
        await queryRunner.query(`CREATE TYPE "public"."budget_management" AS ENUM('DIRECT_PAYMENT', 'COUNCIL_MANAGED', 'THIRD_PARTY_MANAGED')`);
        await queryRunner.query(`CREATE TABLE "budgets" ("id" uuid NOT NULL, "client_id" uuid NOT NULL, "funding_body_code" character varying(9) NOT NULL, "kind" "public"."budget_kind" NOT NULL, "management" "public"."budget_management" NOT NULL, "period_start" date NOT NULL, "period_end" date NOT NULL, "covered_categories" character varying(40) array NOT NULL, "review_due_on" date NOT NULL, "allocated_pence" bigint NOT NULL DEFAULT '0', "committed_pence" bigint NOT NULL DEFAULT '0', "spent_pence" bigint NOT NULL DEFAULT '0', "returned_pence" bigint NOT NULL DEFAULT '0', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_budgets_period" CHECK (period_end >= period_start), CONSTRAINT "chk_budgets_totals" CHECK (allocated_pence >= 0 AND committed_pence >= 0 AND spent_pence >= 0 AND returned_pence >= 0), CONSTRAINT "chk_budgets_available" CHECK (allocated_pence - committed_pence - spent_pence - returned_pence >= 0), CONSTRAINT "pk_budgets" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_budgets_funding_body_code_id" ON "budgets"  ("funding_body_code", "id") `);
        await queryRunner.query(`CREATE INDEX "idx_budgets_client_id" ON "budgets"  ("client_id") `);
        await queryRunner.query(`CREATE TYPE "public"."ledger_kind" AS ENUM('ALLOCATION', 'TOP_UP', 'COMMITMENT', 'RELEASE', 'SPEND', 'REFUND', 'RETURN_TO_FUNDER', 'FEE')`);
        await queryRunner.query(`CREATE TABLE "ledger_entries" ("id" uuid NOT NULL, "budget_id" uuid NOT NULL, "kind" "public"."ledger_kind" NOT NULL, "amount_pence" bigint NOT NULL, "booking_id" uuid, "actor_user_id" uuid, "memo" character varying(500) NOT NULL DEFAULT '', "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chk_ledger_entries_amount_positive" CHECK (amount_pence > 0), CONSTRAINT "pk_ledger_entries" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_ledger_entries_booking_id" ON "ledger_entries"  ("booking_id") `);
        await queryRunner.query(`CREATE INDEX "idx_ledger_entries_budget_id_id" ON "ledger_entries"  ("budget_id", "id") `);
        await queryRunner.query(`CREATE TYPE "public"."booking_status" AS ENUM('PENDING_APPROVAL', 'REQUESTED', 'CONFIRMED', 'DECLINED', 'CANCELLED', 'COMPLETED')`);
        await queryRunner.query(`CREATE TYPE "public"."payee_relationship" AS ENUM('NONE', 'SPOUSE_OR_PARTNER', 'CLOSE_RELATIVE_SAME_HOUSEHOLD', 'CLOSE_RELATIVE_ELSEWHERE')`);
        await queryRunner.query(`CREATE TYPE "public"."approval_reason" AS ENUM('RELATIVE_PAYEE', 'LIFE_IMPROVING_ABOVE_THRESHOLD')`);
        await queryRunner.query(`CREATE TYPE "public"."approval_decision" AS ENUM('APPROVED', 'REJECTED')`);
        await queryRunner.query(`CREATE TABLE "bookings" ("id" uuid NOT NULL, "client_id" uuid NOT NULL, "budget_id" uuid NOT NULL, "funding_body_code" character varying(9) NOT NULL, "listing_id" uuid NOT NULL, "provider_id" uuid NOT NULL, "quote_id" uuid, "status" "public"."booking_status" NOT NULL, "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "recurrence" character varying(500), "units_per_visit" numeric(8,2) NOT NULL, "unit_price_pence" integer NOT NULL, "payee_relationship" "public"."payee_relationship" NOT NULL DEFAULT 'NONE', "approval_reasons" "public"."approval_reason" array NOT NULL DEFAULT '{}', "approval_decision" "public"."approval_decision", "approval_decided_by" uuid, "approval_decided_at" TIMESTAMP WITH TIME ZONE, "approval_note" character varying(500) NOT NULL DEFAULT '', "created_by_user_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_bookings" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_bookings_budget_id" ON "bookings"  ("budget_id") `);
        await queryRunner.query(`CREATE INDEX "idx_bookings_funding_body_code_id" ON "bookings"  ("funding_body_code", "id") `);
        await queryRunner.query(`CREATE INDEX "idx_bookings_client_id_id" ON "bookings"  ("client_id", "id") `);
        await queryRunner.query(`CREATE INDEX "idx_bookings_provider_id_id" ON "bookings"  ("provider_id", "id") `);
        await queryRunner.query(`CREATE TYPE "public"."visit_status" AS ENUM('SCHEDULED', 'DELIVERED', 'MISSED', 'CANCELLED')`);
        await queryRunner.query(`CREATE TABLE "visits" ("id" uuid NOT NULL, "booking_id" uuid NOT NULL, "provider_id" uuid NOT NULL, "single_person" boolean NOT NULL, "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL, "units" numeric(8,2) NOT NULL, "cost_pence" integer NOT NULL, "status" "public"."visit_status" NOT NULL DEFAULT 'SCHEDULED', "recorded_at" TIMESTAMP WITH TIME ZONE, "recorded_by_user_id" uuid, CONSTRAINT "chk_visits_cost" CHECK (cost_pence >= 0 AND units > 0), CONSTRAINT "chk_visits_interval" CHECK (ends_at > starts_at), CONSTRAINT "excl_visits_single_person_overlap" EXCLUDE USING gist ("provider_id" WITH =, tstzrange("starts_at", "ends_at", '[)') WITH &&) WHERE ("single_person" AND "status" IN ('SCHEDULED', 'DELIVERED')), CONSTRAINT "pk_visits" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_visits_booking_id_starts_at" ON "visits"  ("booking_id", "starts_at", "id") `);
        await queryRunner.query(`CREATE TYPE "public"."quote_request_status" AS ENUM('OPEN', 'CLOSED', 'CANCELLED')`);
        await queryRunner.query(`CREATE TABLE "quote_requests" ("id" uuid NOT NULL, "client_id" uuid NOT NULL, "funding_body_code" character varying(9) NOT NULL, "postcode_district" character varying(4) NOT NULL, "category_code" character varying(40) NOT NULL, "description" text NOT NULL, "units_per_week" numeric(8,2) NOT NULL, "schedule" character varying(500) NOT NULL DEFAULT '', "starts_on" date NOT NULL, "ends_on" date NOT NULL, "named_provider_ids" uuid array NOT NULL DEFAULT '{}', "status" "public"."quote_request_status" NOT NULL DEFAULT 'OPEN', "created_by_user_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_quote_requests" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_quote_requests_client_id_id" ON "quote_requests"  ("client_id", "id") `);
        await queryRunner.query(`CREATE TYPE "public"."quote_status" AS ENUM('SUBMITTED', 'WITHDRAWN', 'DECLINED', 'ACCEPTED', 'EXPIRED')`);
        await queryRunner.query(`CREATE TABLE "quotes" ("id" uuid NOT NULL, "request_id" uuid NOT NULL, "provider_id" uuid NOT NULL, "listing_id" uuid NOT NULL, "unit_price_pence" integer NOT NULL, "units_per_visit" numeric(8,2) NOT NULL, "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "recurrence" character varying(500), "visit_count" integer NOT NULL, "total_pence" bigint NOT NULL, "valid_until" TIMESTAMP WITH TIME ZONE NOT NULL, "status" "public"."quote_status" NOT NULL DEFAULT 'SUBMITTED', "note" character varying(2000) NOT NULL DEFAULT '', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_quotes" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_quotes_provider_id_id" ON "quotes"  ("provider_id", "id") `);
        await queryRunner.query(`CREATE INDEX "idx_quotes_request_id" ON "quotes"  ("request_id", "id") `);
        await queryRunner.query(`ALTER TABLE "funding_bodies" ADD "life_improving_approval_threshold_pence" integer DEFAULT '50000'`);
        await queryRunner.query(`ALTER TABLE "users" ADD "client_id" uuid`);
        await queryRunner.query(`CREATE INDEX "idx_users_client_id" ON "users"  ("client_id") `);
        await queryRunner.query(`ALTER TABLE "idempotency_keys" ADD CONSTRAINT "fk_idempotency_keys_actor_user_id" FOREIGN KEY ("actor_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "users" ADD CONSTRAINT "fk_users_client_id" FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "clients" ADD CONSTRAINT "fk_clients_funding_body_code" FOREIGN KEY ("funding_body_code") REFERENCES "funding_bodies"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "clients" ADD CONSTRAINT "fk_clients_care_home_id" FOREIGN KEY ("care_home_id") REFERENCES "providers"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "clients" ADD CONSTRAINT "fk_clients_broker_user_id" FOREIGN KEY ("broker_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "budgets" ADD CONSTRAINT "fk_budgets_client_id" FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "budgets" ADD CONSTRAINT "fk_budgets_funding_body_code" FOREIGN KEY ("funding_body_code") REFERENCES "funding_bodies"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "ledger_entries" ADD CONSTRAINT "fk_ledger_entries_budget_id" FOREIGN KEY ("budget_id") REFERENCES "budgets"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "ledger_entries" ADD CONSTRAINT "fk_ledger_entries_booking_id" FOREIGN KEY ("booking_id") REFERENCES "bookings"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "ledger_entries" ADD CONSTRAINT "fk_ledger_entries_actor_user_id" FOREIGN KEY ("actor_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD CONSTRAINT "fk_bookings_client_id" FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD CONSTRAINT "fk_bookings_budget_id" FOREIGN KEY ("budget_id") REFERENCES "budgets"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD CONSTRAINT "fk_bookings_funding_body_code" FOREIGN KEY ("funding_body_code") REFERENCES "funding_bodies"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD CONSTRAINT "fk_bookings_listing_id" FOREIGN KEY ("listing_id") REFERENCES "listings"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD CONSTRAINT "fk_bookings_provider_id" FOREIGN KEY ("provider_id") REFERENCES "providers"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD CONSTRAINT "fk_bookings_quote_id" FOREIGN KEY ("quote_id") REFERENCES "quotes"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD CONSTRAINT "fk_bookings_approval_decided_by" FOREIGN KEY ("approval_decided_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "bookings" ADD CONSTRAINT "fk_bookings_created_by_user_id" FOREIGN KEY ("created_by_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "visits" ADD CONSTRAINT "fk_visits_booking_id" FOREIGN KEY ("booking_id") REFERENCES "bookings"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "visits" ADD CONSTRAINT "fk_visits_provider_id" FOREIGN KEY ("provider_id") REFERENCES "providers"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "visits" ADD CONSTRAINT "fk_visits_recorded_by_user_id" FOREIGN KEY ("recorded_by_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "quote_requests" ADD CONSTRAINT "fk_quote_requests_client_id" FOREIGN KEY ("client_id") REFERENCES "clients"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "quote_requests" ADD CONSTRAINT "fk_quote_requests_funding_body_code" FOREIGN KEY ("funding_body_code") REFERENCES "funding_bodies"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "quote_requests" ADD CONSTRAINT "fk_quote_requests_category_code" FOREIGN KEY ("category_code") REFERENCES "service_categories"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "quote_requests" ADD CONSTRAINT "fk_quote_requests_created_by_user_id" FOREIGN KEY ("created_by_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "quotes" ADD CONSTRAINT "fk_quotes_request_id" FOREIGN KEY ("request_id") REFERENCES "quote_requests"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "quotes" ADD CONSTRAINT "fk_quotes_provider_id" FOREIGN KEY ("provider_id") REFERENCES "providers"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "quotes" ADD CONSTRAINT "fk_quotes_listing_id" FOREIGN KEY ("listing_id") REFERENCES "listings"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        // The ledger is the record: entries are never changed or deleted, only added (corrections reverse).
        await queryRunner.query(`CREATE FUNCTION ledger_entries_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'ledger entries are append-only: add a reversing entry instead' USING ERRCODE = 'restrict_violation'; END $$`);
        await queryRunner.query(`CREATE TRIGGER trg_ledger_entries_immutable BEFORE UPDATE OR DELETE ON "ledger_entries" FOR EACH ROW EXECUTE FUNCTION ledger_entries_are_immutable()`);
        // One live quote per provider and request; providers look for open requests by category.
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_quotes_one_submitted_per_provider" ON "quotes" ("request_id", "provider_id") WHERE status = 'SUBMITTED'`);
        await queryRunner.query(`CREATE INDEX "idx_quote_requests_open_category" ON "quote_requests" ("category_code", "id") WHERE status = 'OPEN'`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."idx_quote_requests_open_category"`);
        await queryRunner.query(`DROP INDEX "public"."uq_quotes_one_submitted_per_provider"`);
        await queryRunner.query(`DROP TRIGGER trg_ledger_entries_immutable ON "ledger_entries"`);
        await queryRunner.query(`DROP FUNCTION ledger_entries_are_immutable()`);
        await queryRunner.query(`ALTER TABLE "quotes" DROP CONSTRAINT "fk_quotes_listing_id"`);
        await queryRunner.query(`ALTER TABLE "quotes" DROP CONSTRAINT "fk_quotes_provider_id"`);
        await queryRunner.query(`ALTER TABLE "quotes" DROP CONSTRAINT "fk_quotes_request_id"`);
        await queryRunner.query(`ALTER TABLE "quote_requests" DROP CONSTRAINT "fk_quote_requests_created_by_user_id"`);
        await queryRunner.query(`ALTER TABLE "quote_requests" DROP CONSTRAINT "fk_quote_requests_category_code"`);
        await queryRunner.query(`ALTER TABLE "quote_requests" DROP CONSTRAINT "fk_quote_requests_funding_body_code"`);
        await queryRunner.query(`ALTER TABLE "quote_requests" DROP CONSTRAINT "fk_quote_requests_client_id"`);
        await queryRunner.query(`ALTER TABLE "visits" DROP CONSTRAINT "fk_visits_recorded_by_user_id"`);
        await queryRunner.query(`ALTER TABLE "visits" DROP CONSTRAINT "fk_visits_provider_id"`);
        await queryRunner.query(`ALTER TABLE "visits" DROP CONSTRAINT "fk_visits_booking_id"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP CONSTRAINT "fk_bookings_created_by_user_id"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP CONSTRAINT "fk_bookings_approval_decided_by"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP CONSTRAINT "fk_bookings_quote_id"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP CONSTRAINT "fk_bookings_provider_id"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP CONSTRAINT "fk_bookings_listing_id"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP CONSTRAINT "fk_bookings_funding_body_code"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP CONSTRAINT "fk_bookings_budget_id"`);
        await queryRunner.query(`ALTER TABLE "bookings" DROP CONSTRAINT "fk_bookings_client_id"`);
        await queryRunner.query(`ALTER TABLE "ledger_entries" DROP CONSTRAINT "fk_ledger_entries_actor_user_id"`);
        await queryRunner.query(`ALTER TABLE "ledger_entries" DROP CONSTRAINT "fk_ledger_entries_booking_id"`);
        await queryRunner.query(`ALTER TABLE "ledger_entries" DROP CONSTRAINT "fk_ledger_entries_budget_id"`);
        await queryRunner.query(`ALTER TABLE "budgets" DROP CONSTRAINT "fk_budgets_funding_body_code"`);
        await queryRunner.query(`ALTER TABLE "budgets" DROP CONSTRAINT "fk_budgets_client_id"`);
        await queryRunner.query(`ALTER TABLE "clients" DROP CONSTRAINT "fk_clients_broker_user_id"`);
        await queryRunner.query(`ALTER TABLE "clients" DROP CONSTRAINT "fk_clients_care_home_id"`);
        await queryRunner.query(`ALTER TABLE "clients" DROP CONSTRAINT "fk_clients_funding_body_code"`);
        await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "fk_users_client_id"`);
        await queryRunner.query(`ALTER TABLE "idempotency_keys" DROP CONSTRAINT "fk_idempotency_keys_actor_user_id"`);
        await queryRunner.query(`DROP INDEX "public"."idx_users_client_id"`);
        await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "client_id"`);
        await queryRunner.query(`ALTER TABLE "funding_bodies" DROP COLUMN "life_improving_approval_threshold_pence"`);
        await queryRunner.query(`DROP INDEX "public"."idx_quotes_request_id"`);
        await queryRunner.query(`DROP INDEX "public"."idx_quotes_provider_id_id"`);
        await queryRunner.query(`DROP TABLE "quotes"`);
        await queryRunner.query(`DROP TYPE "public"."quote_status"`);
        await queryRunner.query(`DROP INDEX "public"."idx_quote_requests_client_id_id"`);
        await queryRunner.query(`DROP TABLE "quote_requests"`);
        await queryRunner.query(`DROP TYPE "public"."quote_request_status"`);
        await queryRunner.query(`DROP INDEX "public"."idx_visits_booking_id_starts_at"`);
        await queryRunner.query(`DROP TABLE "visits"`);
        await queryRunner.query(`DROP TYPE "public"."visit_status"`);
        await queryRunner.query(`DROP INDEX "public"."idx_bookings_provider_id_id"`);
        await queryRunner.query(`DROP INDEX "public"."idx_bookings_client_id_id"`);
        await queryRunner.query(`DROP INDEX "public"."idx_bookings_funding_body_code_id"`);
        await queryRunner.query(`DROP INDEX "public"."idx_bookings_budget_id"`);
        await queryRunner.query(`DROP TABLE "bookings"`);
        await queryRunner.query(`DROP TYPE "public"."approval_decision"`);
        await queryRunner.query(`DROP TYPE "public"."approval_reason"`);
        await queryRunner.query(`DROP TYPE "public"."payee_relationship"`);
        await queryRunner.query(`DROP TYPE "public"."booking_status"`);
        await queryRunner.query(`DROP INDEX "public"."idx_ledger_entries_budget_id_id"`);
        await queryRunner.query(`DROP INDEX "public"."idx_ledger_entries_booking_id"`);
        await queryRunner.query(`DROP TABLE "ledger_entries"`);
        await queryRunner.query(`DROP TYPE "public"."ledger_kind"`);
        await queryRunner.query(`DROP INDEX "public"."idx_budgets_client_id"`);
        await queryRunner.query(`DROP INDEX "public"."idx_budgets_funding_body_code_id"`);
        await queryRunner.query(`DROP TABLE "budgets"`);
        await queryRunner.query(`DROP TYPE "public"."budget_management"`);
        await queryRunner.query(`DROP INDEX "public"."idx_clients_funding_body_code_id"`);
        await queryRunner.query(`DROP INDEX "public"."idx_clients_broker_user_id"`);
        await queryRunner.query(`DROP INDEX "public"."idx_clients_care_home_id"`);
        await queryRunner.query(`DROP TABLE "clients"`);
        await queryRunner.query(`DROP TYPE "public"."client_setting"`);
        await queryRunner.query(`DROP TABLE "idempotency_keys"`);
    }

}
