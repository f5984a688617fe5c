import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Limit rejections are audited as one `run.rejected` row per owner, code and minute with a count: api and
 * worker processes add their tallies here every few seconds, and the maintenance job moves each finished
 * minute into audit_logs (which is append-only) as one row.
 */
export class RunRejectionTallies1765500000000 implements MigrationInterface {
  name = 'RunRejectionTallies1765500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE run_rejection_tallies (
        owner_id uuid NOT NULL,
        code text NOT NULL,
        minute timestamptz NOT NULL,
        count int NOT NULL,
        CONSTRAINT pk_run_rejection_tallies PRIMARY KEY (owner_id, code, minute)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS run_rejection_tallies`);
  }
}
