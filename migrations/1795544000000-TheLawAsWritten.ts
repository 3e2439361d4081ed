import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The law as written (issue #10, item 8). Hand-written.
 * - Service categories for what the law or the funders exclude, so that the exclusion can be
 *   enforced (a category nobody may buy is refused at booking and in a budget's plan): NHS primary
 *   medical and dental services and urgent and emergency care, and alcohol, tobacco, gambling and
 *   debt repayment. Each says why in `exclusion_note` (docs/DOMAIN.md, rule 5).
 * - Social and leisure is no PHB exclusion: the NHS (Direct Payments) Regulations 2013 make none.
 * - A booking records what the provider declared, at confirmation, of who its worker is to the
 *   client (Care and Support (Direct Payments) Regulations 2014, reg. 3): null until it confirms;
 *   a quote records the same, declared with it (a booking from a quote is confirmed at acceptance).
 */
export class TheLawAsWritten1795544000000 implements MigrationInterface {
  name = "TheLawAsWritten1795544000000";

  public async up(q: QueryRunner): Promise<void> {
    // No default left behind: reference data, not a setting (test/support/db.ts resets columns with defaults).
    await q.query(`ALTER TABLE "service_categories" ADD "exclusion_note" character varying(400) NOT NULL DEFAULT ''`);
    await q.query(`ALTER TABLE "service_categories" ALTER COLUMN "exclusion_note" DROP DEFAULT`);
    const nhs =
      "NHS services free at the point of use: a personal health budget may not buy them (National Health Service (Direct Payments) Regulations 2013), and a council may not meet needs by arranging what the NHS must provide (Care Act 2014 s.22).";
    const neither =
      "Not for public money: the NHS's personal health budget guidance names alcohol, tobacco, gambling and debt repayment as things it would not be right for the Government to fund, and councils' direct-payment terms exclude them from personal budgets too (a direct payment buys only the needs in the care and support plan, Care Act 2014 s.33(3)).";
    await q.query(
      `INSERT INTO "service_categories" ("code", "name", "purpose", "regulated", "allowed_for", "sort_order", "exclusion_note") VALUES
        ('PRIMARY_MEDICAL', 'Primary medical services (GP)', 'LIFE_SUSTAINING', true, '{}', 16, $1),
        ('PRIMARY_DENTAL', 'Primary dental services (NHS dentistry)', 'LIFE_SUSTAINING', true, '{}', 17, $1),
        ('URGENT_EMERGENCY_CARE', 'Urgent and emergency care', 'LIFE_SUSTAINING', true, '{}', 18, $1),
        ('ALCOHOL', 'Alcohol', 'LIFE_IMPROVING', false, '{}', 19, $2),
        ('TOBACCO', 'Tobacco', 'LIFE_IMPROVING', false, '{}', 20, $2),
        ('GAMBLING', 'Gambling', 'LIFE_IMPROVING', false, '{}', 21, $2),
        ('DEBT_REPAYMENT', 'Debt repayment', 'LIFE_IMPROVING', false, '{}', 22, $2)`,
      [nhs, neither],
    );
    await q.query(`UPDATE "service_categories" SET "allowed_for" = '{PERSONAL_BUDGET,PERSONAL_HEALTH_BUDGET}' WHERE "code" = 'SOCIAL_LEISURE'`);
    await q.query(`ALTER TABLE "bookings" ADD "payee_declared_by_provider" "public"."payee_relationship"`);
    await q.query(`ALTER TABLE "quotes" ADD "payee_declared_by_provider" "public"."payee_relationship" NOT NULL DEFAULT 'NONE'`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "quotes" DROP COLUMN "payee_declared_by_provider"`);
    await q.query(`ALTER TABLE "bookings" DROP COLUMN "payee_declared_by_provider"`);
    await q.query(`UPDATE "service_categories" SET "allowed_for" = '{PERSONAL_BUDGET}' WHERE "code" = 'SOCIAL_LEISURE'`);
    await q.query(
      `DELETE FROM "service_categories" WHERE "code" IN ('PRIMARY_MEDICAL', 'PRIMARY_DENTAL', 'URGENT_EMERGENCY_CARE', 'ALCOHOL', 'TOBACCO', 'GAMBLING', 'DEBT_REPAYMENT')`,
    );
    await q.query(`ALTER TABLE "service_categories" DROP COLUMN "exclusion_note"`);
  }
}
