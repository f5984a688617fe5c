import { MigrationInterface, QueryRunner } from 'typeorm';
import admitExecution from '../../../executions/src/sql/flowline_admit_execution.sql';
import { applySqlFunctions } from '../apply-sql-functions';

/**
 * Admissions are committed in batches (one statement calls flowline_admit_execution once per run): each run's
 * created_at becomes the moment it was admitted (clock_timestamp), not the batch transaction's start, so runs
 * admitted together keep their order (waiting runs are promoted oldest first).
 */
export class AdmissionInBatches1765200000000 implements MigrationInterface {
  name = 'AdmissionInBatches1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await applySqlFunctions(queryRunner, [admitExecution]);
  }

  async down(): Promise<void> {
    // Kept as it is: the function before this one differs only in leaving created_at to the column default
    // (now()), which no earlier code relies on; 1765100000000's down drops the function either way.
  }
}
