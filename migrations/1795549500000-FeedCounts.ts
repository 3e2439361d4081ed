import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The Open Referral feed's total, kept exact and cheap: `listing_feed_counts` holds each provider's
 * number of active listings, maintained by statement triggers on `listings` in the same transaction as
 * the change (one row per provider, so concurrent writers of different providers never share a row).
 * The feed's order becomes (provider, id): a deep page starts from the running sum of the counts.
 * Verification is not counted here: the feed's total sums the rows of verified providers when it is read,
 * so verifying or unverifying a provider needs no maintenance and cannot race with it. Not an entity:
 * nothing writes it but the triggers (TRUNCATE of listings empties it too).
 */
export class FeedCounts1795549500000 implements MigrationInterface {
  name = "FeedCounts1795549500000";

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "listing_feed_counts" ("provider_id" uuid NOT NULL, "active_listings" integer NOT NULL, CONSTRAINT "pk_listing_feed_counts" PRIMARY KEY ("provider_id"), CONSTRAINT "chk_listing_feed_counts_non_negative" CHECK ("active_listings" >= 0))`,
    );
    await q.query(`CREATE FUNCTION listing_feed_counts_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO listing_feed_counts AS c (provider_id, active_listings)
  SELECT n.provider_id, count(*)::int FROM feed_new_rows n WHERE n.active GROUP BY n.provider_id ORDER BY n.provider_id
  ON CONFLICT (provider_id) DO UPDATE SET active_listings = c.active_listings + EXCLUDED.active_listings;
  RETURN NULL;
END $$`);
    await q.query(`CREATE FUNCTION listing_feed_counts_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE listing_feed_counts c SET active_listings = c.active_listings - d.n
  FROM (SELECT o.provider_id, count(*)::int AS n FROM feed_old_rows o WHERE o.active GROUP BY o.provider_id) d
  WHERE c.provider_id = d.provider_id;
  RETURN NULL;
END $$`);
    // A CHECK applies to the row an upsert proposes before its conflict: a withdrawal (-1) would fail it,
    // so deltas update existing rows, and only a provider's first active listings insert one.
    await q.query(`CREATE FUNCTION listing_feed_counts_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH d AS (
    SELECT x.provider_id, sum(x.delta)::int AS delta FROM (
      SELECT n.provider_id, 1 AS delta FROM feed_new_rows n WHERE n.active
      UNION ALL
      SELECT o.provider_id, -1 AS delta FROM feed_old_rows o WHERE o.active
    ) x
    GROUP BY x.provider_id HAVING sum(x.delta) <> 0
  ), updated AS (
    UPDATE listing_feed_counts c SET active_listings = c.active_listings + d.delta FROM d WHERE c.provider_id = d.provider_id RETURNING c.provider_id
  )
  INSERT INTO listing_feed_counts AS c (provider_id, active_listings)
  SELECT d.provider_id, d.delta FROM d WHERE d.delta > 0 AND d.provider_id NOT IN (SELECT provider_id FROM updated) ORDER BY d.provider_id
  ON CONFLICT (provider_id) DO UPDATE SET active_listings = c.active_listings + EXCLUDED.active_listings;
  RETURN NULL;
END $$`);
    await q.query(`CREATE FUNCTION listing_feed_counts_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM listing_feed_counts;
  RETURN NULL;
END $$`);
    await q.query(
      `CREATE TRIGGER "trg_listing_feed_counts_insert" AFTER INSERT ON "listings" REFERENCING NEW TABLE AS feed_new_rows FOR EACH STATEMENT EXECUTE FUNCTION listing_feed_counts_insert()`,
    );
    await q.query(
      `CREATE TRIGGER "trg_listing_feed_counts_delete" AFTER DELETE ON "listings" REFERENCING OLD TABLE AS feed_old_rows FOR EACH STATEMENT EXECUTE FUNCTION listing_feed_counts_delete()`,
    );
    await q.query(
      `CREATE TRIGGER "trg_listing_feed_counts_update" AFTER UPDATE ON "listings" REFERENCING OLD TABLE AS feed_old_rows NEW TABLE AS feed_new_rows FOR EACH STATEMENT EXECUTE FUNCTION listing_feed_counts_update()`,
    );
    await q.query(`CREATE TRIGGER "trg_listing_feed_counts_truncate" AFTER TRUNCATE ON "listings" FOR EACH STATEMENT EXECUTE FUNCTION listing_feed_counts_truncate()`);
    // The feed pages in provider order, so that a page's start is found from the counts: the providers
    // before it are skipped whole, and only the start provider's listings before the page are walked.
    await q.query(`DROP INDEX "public"."idx_listings_feed"`);
    await q.query(`CREATE INDEX "idx_listings_feed" ON "listings" ("provider_id", "id") INCLUDE ("category_code") WHERE active`);
    await q.query(`INSERT INTO listing_feed_counts (provider_id, active_listings) SELECT provider_id, count(*)::int FROM listings WHERE active GROUP BY provider_id`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER "trg_listing_feed_counts_truncate" ON "listings"`);
    await q.query(`DROP TRIGGER "trg_listing_feed_counts_update" ON "listings"`);
    await q.query(`DROP TRIGGER "trg_listing_feed_counts_delete" ON "listings"`);
    await q.query(`DROP TRIGGER "trg_listing_feed_counts_insert" ON "listings"`);
    await q.query(`DROP FUNCTION listing_feed_counts_truncate()`);
    await q.query(`DROP FUNCTION listing_feed_counts_update()`);
    await q.query(`DROP FUNCTION listing_feed_counts_delete()`);
    await q.query(`DROP FUNCTION listing_feed_counts_insert()`);
    await q.query(`DROP TABLE "listing_feed_counts"`);
    await q.query(`DROP INDEX "public"."idx_listings_feed"`);
    await q.query(`CREATE INDEX "idx_listings_feed" ON "listings" ("id") INCLUDE ("provider_id", "category_code") WHERE active`);
  }
}
