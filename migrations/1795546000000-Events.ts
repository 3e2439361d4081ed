import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Events: the outbox (`events`, written in the transaction of each change), webhooks and their
 * deliveries, the fan-out cursor, and funding bodies' price-rise alert threshold.
 * Generated from the entities, then reviewed.
 */

export class Events1795546000000 implements MigrationInterface {
    name = 'Events1795546000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "events" ("id" uuid NOT NULL, "tx_id" bigint NOT NULL, "type" character varying(40) NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "data" jsonb NOT NULL, "provider_id" uuid, "client_id" uuid, "funding_body_code" character varying(9), "quote_request_id" uuid, CONSTRAINT "pk_events" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_events_order" ON "events" ("tx_id", "id") `);
        await queryRunner.query(`CREATE INDEX "idx_events_type_funding_body" ON "events" ("type", "funding_body_code", "occurred_at") `);
        await queryRunner.query(`CREATE TABLE "webhooks" ("id" uuid NOT NULL, "owner_user_id" uuid NOT NULL, "url" character varying(2000) NOT NULL, "events" character varying(40) array NOT NULL, "secret" character varying(100) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "deleted_at" TIMESTAMP WITH TIME ZONE, "leased_until" TIMESTAMP WITH TIME ZONE, CONSTRAINT "pk_webhooks" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_webhooks_owner" ON "webhooks" ("owner_user_id", "id") `);
        await queryRunner.query(`CREATE TYPE "public"."webhook_delivery_status" AS ENUM('PENDING', 'DELIVERED', 'FAILED')`);
        await queryRunner.query(`CREATE TABLE "webhook_deliveries" ("id" uuid NOT NULL, "webhook_id" uuid NOT NULL, "event_id" uuid NOT NULL, "event_tx_id" bigint NOT NULL, "event_type" character varying(40) NOT NULL, "status" "public"."webhook_delivery_status" NOT NULL DEFAULT 'PENDING', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL, "attempts" jsonb NOT NULL DEFAULT '[]', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "delivered_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "pk_webhook_deliveries" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_webhook_deliveries_webhook_event" ON "webhook_deliveries" ("webhook_id", "event_id") `);
        await queryRunner.query(`CREATE INDEX "idx_webhook_deliveries_pending" ON "webhook_deliveries" ("webhook_id", "event_tx_id", "event_id") WHERE "status" = 'PENDING'`);
        await queryRunner.query(`CREATE TABLE "event_fanout" ("id" smallint NOT NULL, "last_tx_id" bigint NOT NULL, "last_event_id" uuid NOT NULL, CONSTRAINT "pk_event_fanout" PRIMARY KEY ("id"))`);
        await queryRunner.query(`ALTER TABLE "funding_bodies" ADD "price_rise_alert_percent" smallint NOT NULL DEFAULT '10'`);
        await queryRunner.query(`ALTER TABLE "webhooks" ADD CONSTRAINT "fk_webhooks_owner_user_id" FOREIGN KEY ("owner_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "fk_webhook_deliveries_webhook_id" FOREIGN KEY ("webhook_id") REFERENCES "webhooks"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "fk_webhook_deliveries_event_id" FOREIGN KEY ("event_id") REFERENCES "events"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "fk_webhook_deliveries_event_id"`);
        await queryRunner.query(`ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "fk_webhook_deliveries_webhook_id"`);
        await queryRunner.query(`ALTER TABLE "webhooks" DROP CONSTRAINT "fk_webhooks_owner_user_id"`);
        await queryRunner.query(`ALTER TABLE "funding_bodies" DROP COLUMN "price_rise_alert_percent"`);
        await queryRunner.query(`DROP TABLE "event_fanout"`);
        await queryRunner.query(`DROP INDEX "public"."idx_webhook_deliveries_pending"`);
        await queryRunner.query(`DROP INDEX "public"."uq_webhook_deliveries_webhook_event"`);
        await queryRunner.query(`DROP TABLE "webhook_deliveries"`);
        await queryRunner.query(`DROP TYPE "public"."webhook_delivery_status"`);
        await queryRunner.query(`DROP INDEX "public"."idx_webhooks_owner"`);
        await queryRunner.query(`DROP TABLE "webhooks"`);
        await queryRunner.query(`DROP INDEX "public"."idx_events_type_funding_body"`);
        await queryRunner.query(`DROP INDEX "public"."idx_events_order"`);
        await queryRunner.query(`DROP TABLE "events"`);
    }
}
