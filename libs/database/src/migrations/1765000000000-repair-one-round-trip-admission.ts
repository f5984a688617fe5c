import { MigrationInterface, QueryRunner } from 'typeorm';
import { OneRoundTripAdmission1764900000000 } from './1764900000000-one-round-trip-admission';

const ADMISSION_FUNCTIONS = ['flowline_admit_execution', 'flowline_finish_execution', 'flowline_admission_decision', 'flowline_live_usage'];

/**
 * 1764900000000 was edited three times after it landed on main. A database migrated at an earlier edit
 * has that edit's functions (another flowline_admit_execution signature, maybe the sql flowline_live_usage)
 * and no executions.result_awaited, and TypeORM never runs 1764900000000 again. Every earlier edit lacks
 * that column: when it is missing, every overload of the four functions goes and the landed up() runs
 * (migration-checksums.spec keeps that file as it landed). Where the column exists, nothing happens.
 */
export class RepairOneRoundTripAdmission1765000000000 implements MigrationInterface {
  name = 'RepairOneRoundTripAdmission1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const [landed] = await queryRunner.query(
      `SELECT 1 FROM pg_attribute WHERE attrelid = 'executions'::regclass AND attname = 'result_awaited' AND NOT attisdropped`,
    );
    if (landed) return;
    const overloads: { signature: string }[] = await queryRunner.query(
      `SELECT oid::regprocedure::text AS signature FROM pg_proc WHERE proname = ANY($1) AND pronamespace = current_schema()::regnamespace`,
      [ADMISSION_FUNCTIONS],
    );
    for (const { signature } of overloads) await queryRunner.query(`DROP FUNCTION ${signature}`);
    await new OneRoundTripAdmission1764900000000().up(queryRunner);
  }

  async down(): Promise<void> {
    // Nothing to undo: up() only brings an earlier edit's objects to what 1764900000000 defines, and which
    // edit a database had is not recorded. Reverting 1764900000000 itself removes them.
  }
}
