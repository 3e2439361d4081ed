import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Reference data (taxonomy, funding bodies), users, providers and listings.
 * Generated from the entities, then reviewed: search indexes and seed data added by hand.
 */
export class Foundation1795531047651 implements MigrationInterface {
  name = "Foundation1795531047651";

  public async up(q: QueryRunner): Promise<void> {
    // Reference data
    await q.query(`CREATE TYPE "public"."category_purpose" AS ENUM('LIFE_SUSTAINING', 'LIFE_IMPROVING')`);
    await q.query(`CREATE TYPE "public"."budget_kind" AS ENUM('PERSONAL_BUDGET', 'PERSONAL_HEALTH_BUDGET')`);
    await q.query(`CREATE TABLE "service_categories" (
      "code" character varying(40) NOT NULL,
      "name" character varying(120) NOT NULL,
      "purpose" "public"."category_purpose" NOT NULL,
      "regulated" boolean NOT NULL,
      "allowed_for" "public"."budget_kind" array NOT NULL,
      "sort_order" smallint NOT NULL,
      CONSTRAINT "pk_service_categories" PRIMARY KEY ("code"))`);
    await q.query(`CREATE TYPE "public"."funding_body_kind" AS ENUM('LOCAL_AUTHORITY', 'NHS_ICB', 'NATION')`);
    await q.query(`CREATE TABLE "funding_bodies" (
      "code" character varying(9) NOT NULL,
      "name" character varying(120) NOT NULL,
      "kind" "public"."funding_body_kind" NOT NULL,
      CONSTRAINT "pk_funding_bodies" PRIMARY KEY ("code"))`);

    // Users
    await q.query(`CREATE TYPE "public"."user_role" AS ENUM('CLIENT', 'PROVIDER', 'BROKER', 'COMMISSIONER', 'ADMIN')`);
    await q.query(`CREATE TABLE "users" (
      "id" uuid NOT NULL,
      "email" character varying(254) NOT NULL,
      "display_name" character varying(120) NOT NULL,
      "subject" character varying(255) NOT NULL,
      "roles" "public"."user_role" array NOT NULL,
      "provider_id" uuid,
      "funding_body_code" character varying(9),
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "pk_users" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "uq_users_email" ON "users" ("email")`);
    await q.query(`CREATE UNIQUE INDEX "uq_users_subject" ON "users" ("subject")`);
    await q.query(`CREATE INDEX "idx_users_provider_id" ON "users" ("provider_id")`);

    // Providers
    await q.query(
      `CREATE TYPE "public"."provider_kind" AS ENUM('HOME_CARE_AGENCY', 'PERSONAL_ASSISTANT', 'CARE_HOME', 'DAY_SERVICE', 'CHARITY', 'MICRO_ENTERPRISE', 'BUSINESS')`,
    );
    // Worst to best: enum order makes `cqc_rating >= 'GOOD'` mean "good or better".
    await q.query(`CREATE TYPE "public"."cqc_rating" AS ENUM('INADEQUATE', 'REQUIRES_IMPROVEMENT', 'GOOD', 'OUTSTANDING')`);
    await q.query(`CREATE TABLE "providers" (
      "id" uuid NOT NULL,
      "name" character varying(200) NOT NULL,
      "kind" "public"."provider_kind" NOT NULL,
      "description" text NOT NULL DEFAULT '',
      "cqc_location_id" character varying(20),
      "cqc_rating" "public"."cqc_rating",
      "service_areas" character varying(9) array NOT NULL DEFAULT '{}',
      "postcode_districts" character varying(4) array NOT NULL DEFAULT '{}',
      "verified" boolean NOT NULL DEFAULT false,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "pk_providers" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "uq_providers_cqc_location_id" ON "providers" ("cqc_location_id")`);
    await q.query(`CREATE INDEX "idx_providers_name_id" ON "providers" ("name", "id")`);
    await q.query(`CREATE INDEX "idx_providers_service_areas" ON "providers" USING gin ("service_areas")`);
    await q.query(`CREATE INDEX "idx_providers_postcode_districts" ON "providers" USING gin ("postcode_districts")`);
    await q.query(`CREATE INDEX "idx_providers_name_search" ON "providers" USING gin (to_tsvector('simple'::regconfig, "name"))`);

    // Listings
    await q.query(`CREATE TYPE "public"."unit" AS ENUM('HOUR', 'VISIT', 'SESSION', 'HALF_DAY', 'DAY', 'NIGHT', 'WEEK', 'ITEM')`);
    await q.query(`CREATE TYPE "public"."rate_type" AS ENUM('STANDARD', 'EVENING', 'WEEKEND', 'BANK_HOLIDAY', 'SLEEP_IN', 'WAKING_NIGHT', 'LIVE_IN')`);
    await q.query(`CREATE TYPE "public"."listing_setting" AS ENUM('HOME', 'COMMUNITY', 'CARE_HOME', 'REMOTE')`);
    await q.query(`CREATE TABLE "listings" (
      "id" uuid NOT NULL,
      "provider_id" uuid NOT NULL,
      "category_code" character varying(40) NOT NULL,
      "title" character varying(200) NOT NULL,
      "description" text NOT NULL DEFAULT '',
      "unit" "public"."unit" NOT NULL,
      "visit_minutes" smallint,
      "rate_type" "public"."rate_type" NOT NULL DEFAULT 'STANDARD',
      "price_pence" integer NOT NULL,
      "setting" "public"."listing_setting" NOT NULL,
      "group_capacity" smallint NOT NULL DEFAULT '1',
      "active" boolean NOT NULL DEFAULT true,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "chk_listings_visit_minutes" CHECK ((unit <> 'VISIT' OR visit_minutes IS NOT NULL) AND (visit_minutes IS NULL OR visit_minutes BETWEEN 5 AND 1440)),
      CONSTRAINT "chk_listings_group_capacity" CHECK (group_capacity BETWEEN 1 AND 100),
      CONSTRAINT "chk_listings_price_positive" CHECK (price_pence > 0),
      CONSTRAINT "pk_listings" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "idx_listings_provider_id_id" ON "listings" ("provider_id", "id")`);
    // The search walks these in order and stops after a page: partial, since search shows active listings only.
    await q.query(`CREATE INDEX "idx_listings_active_price" ON "listings" ("price_pence", "id") WHERE active`);
    await q.query(`CREATE INDEX "idx_listings_active_category_price" ON "listings" ("category_code", "price_pence", "id") WHERE active`);
    await q.query(
      `CREATE INDEX "idx_listings_search" ON "listings" USING gin (to_tsvector('english'::regconfig, (title::text || ' ' || description))) WHERE active`,
    );

    await q.query(`ALTER TABLE "users" ADD CONSTRAINT "fk_users_provider_id" FOREIGN KEY ("provider_id") REFERENCES "providers"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(
      `ALTER TABLE "users" ADD CONSTRAINT "fk_users_funding_body_code" FOREIGN KEY ("funding_body_code") REFERENCES "funding_bodies"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(`ALTER TABLE "listings" ADD CONSTRAINT "fk_listings_provider_id" FOREIGN KEY ("provider_id") REFERENCES "providers"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(
      `ALTER TABLE "listings" ADD CONSTRAINT "fk_listings_category_code" FOREIGN KEY ("category_code") REFERENCES "service_categories"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );

    // The taxonomy of DOMAIN.md. SOCIAL_LEISURE is for council budgets only: NHS money buys health outcomes.
    await q.query(`INSERT INTO "service_categories" ("code", "name", "purpose", "regulated", "allowed_for", "sort_order") VALUES
      ('PERSONAL_CARE', 'Personal care at home', 'LIFE_SUSTAINING', true, '{PERSONAL_BUDGET,PERSONAL_HEALTH_BUDGET}', 1),
      ('PA_SUPPORT', 'Personal assistant support', 'LIFE_SUSTAINING', false, '{PERSONAL_BUDGET,PERSONAL_HEALTH_BUDGET}', 2),
      ('NIGHT_CARE', 'Sleep-in / waking night', 'LIFE_SUSTAINING', true, '{PERSONAL_BUDGET,PERSONAL_HEALTH_BUDGET}', 3),
      ('LIVE_IN_CARE', 'Live-in care', 'LIFE_SUSTAINING', true, '{PERSONAL_BUDGET,PERSONAL_HEALTH_BUDGET}', 4),
      ('RESPITE', 'Respite / short breaks', 'LIFE_SUSTAINING', false, '{PERSONAL_BUDGET,PERSONAL_HEALTH_BUDGET}', 5),
      ('DAY_SERVICE', 'Day opportunities', 'LIFE_SUSTAINING', false, '{PERSONAL_BUDGET,PERSONAL_HEALTH_BUDGET}', 6),
      ('NURSING', 'Nursing care (home or care home)', 'LIFE_SUSTAINING', true, '{PERSONAL_BUDGET,PERSONAL_HEALTH_BUDGET}', 7),
      ('RESIDENTIAL_CARE', 'Residential care home place', 'LIFE_SUSTAINING', true, '{PERSONAL_BUDGET,PERSONAL_HEALTH_BUDGET}', 8),
      ('THERAPY', 'Therapies (physio, massage, OT)', 'LIFE_IMPROVING', false, '{PERSONAL_BUDGET,PERSONAL_HEALTH_BUDGET}', 9),
      ('DOMESTIC', 'Cleaning and household help', 'LIFE_IMPROVING', false, '{PERSONAL_BUDGET,PERSONAL_HEALTH_BUDGET}', 10),
      ('GARDENING', 'Gardening', 'LIFE_IMPROVING', false, '{PERSONAL_BUDGET,PERSONAL_HEALTH_BUDGET}', 11),
      ('HANDYPERSON', 'Handyperson / small adaptations', 'LIFE_IMPROVING', false, '{PERSONAL_BUDGET,PERSONAL_HEALTH_BUDGET}', 12),
      ('TRANSPORT', 'Transport', 'LIFE_IMPROVING', false, '{PERSONAL_BUDGET,PERSONAL_HEALTH_BUDGET}', 13),
      ('SOCIAL_LEISURE', 'Social and leisure (clubs, matches, outings)', 'LIFE_IMPROVING', false, '{PERSONAL_BUDGET}', 14),
      ('EQUIPMENT', 'Equipment and technology', 'LIFE_IMPROVING', false, '{PERSONAL_BUDGET,PERSONAL_HEALTH_BUDGET}', 15)`);
    // The funding bodies of ../shared/data/reference-rates.csv and DOMAIN.md, and an ICB for health budgets.
    await q.query(`INSERT INTO "funding_bodies" ("code", "name", "kind") VALUES
      ('E09000024', 'London Borough of Merton', 'LOCAL_AUTHORITY'),
      ('E10000018', 'Leicestershire County Council', 'LOCAL_AUTHORITY'),
      ('E10000025', 'Oxfordshire County Council', 'LOCAL_AUTHORITY'),
      ('E10000012', 'Essex County Council', 'LOCAL_AUTHORITY'),
      ('QWE', 'NHS South West London Integrated Care Board', 'NHS_ICB'),
      ('E92000001', 'England', 'NATION')`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "listings"`);
    await q.query(`DROP TYPE "public"."listing_setting"`);
    await q.query(`DROP TYPE "public"."rate_type"`);
    await q.query(`DROP TYPE "public"."unit"`);
    await q.query(`DROP TABLE "users"`);
    await q.query(`DROP TYPE "public"."user_role"`);
    await q.query(`DROP TABLE "providers"`);
    await q.query(`DROP TYPE "public"."cqc_rating"`);
    await q.query(`DROP TYPE "public"."provider_kind"`);
    await q.query(`DROP TABLE "funding_bodies"`);
    await q.query(`DROP TYPE "public"."funding_body_kind"`);
    await q.query(`DROP TABLE "service_categories"`);
    await q.query(`DROP TYPE "public"."budget_kind"`);
    await q.query(`DROP TYPE "public"."category_purpose"`);
  }
}
