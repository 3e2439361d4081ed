import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * A statement line's visit_id, when set, is its subject_visit_id (now a CHECK), so the second
 * foreign key to visits checked the same row twice: at 100,000 lines a payment run spent a quarter
 * of its time in that trigger. The subject's key holds both. And a correction is on one line at most
 * through a partial unique index: visits' lines (nearly all) have no correction to index.
 */
export class OneVisitKeyPerLine1795556000000 implements MigrationInterface {
  name = "OneVisitKeyPerLine1795556000000";

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "statement_lines" ADD CONSTRAINT "chk_statement_lines_visit_subject" CHECK (visit_id IS NULL OR visit_id = subject_visit_id)`);
    await q.query(`ALTER TABLE "statement_lines" DROP CONSTRAINT "fk_statement_lines_visit_id"`);
    await q.query(`ALTER TABLE "statement_lines" DROP CONSTRAINT "uq_statement_lines_correction_id"`);
    await q.query(`CREATE UNIQUE INDEX "uq_statement_lines_correction_id" ON "statement_lines" ("correction_id") WHERE correction_id IS NOT NULL`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "uq_statement_lines_correction_id"`);
    await q.query(`ALTER TABLE "statement_lines" ADD CONSTRAINT "uq_statement_lines_correction_id" UNIQUE ("correction_id")`);
    await q.query(
      `ALTER TABLE "statement_lines" ADD CONSTRAINT "fk_statement_lines_visit_id" FOREIGN KEY ("visit_id") REFERENCES "visits"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(`ALTER TABLE "statement_lines" DROP CONSTRAINT "chk_statement_lines_visit_subject"`);
  }
}
