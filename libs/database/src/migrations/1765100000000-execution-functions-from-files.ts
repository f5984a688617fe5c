import { MigrationInterface, QueryRunner } from 'typeorm';
import admitExecution from '../../../executions/src/sql/flowline_admit_execution.sql';
import admissionDecision from '../../../executions/src/sql/flowline_admission_decision.sql';
import chooseRegion from '../../../executions/src/sql/flowline_choose_region.sql';
import durationMs from '../../../executions/src/sql/flowline_duration_ms.sql';
import finishExecution from '../../../executions/src/sql/flowline_finish_execution.sql';
import liveUsage from '../../../executions/src/sql/flowline_live_usage.sql';
import lockOwner from '../../../executions/src/sql/flowline_lock_owner.sql';
import recordStep from '../../../executions/src/sql/flowline_record_step.sql';
import { applySqlFunctions } from '../apply-sql-functions';
import { OneRoundTripAdmission1764900000000 } from './1764900000000-one-round-trip-admission';

/** 1764900000000's positional signatures, replaced by one-jsonb-argument functions of the same names. */
const POSITIONAL = [
  'flowline_admit_execution(uuid, uuid, uuid, text, text, text, text, text[], text[], int, jsonb, text, boolean, int, int, boolean, int, jsonb)',
  'flowline_finish_execution(uuid, int, text, jsonb, text, jsonb)',
  'flowline_admission_decision(int, int, int, int, int, boolean, int)',
];
const ADDED = [
  'flowline_admit_execution(jsonb)',
  'flowline_finish_execution(jsonb)',
  'flowline_admission_decision(jsonb)',
  'flowline_record_step(jsonb)',
  'flowline_choose_region(jsonb)',
  'flowline_duration_ms(timestamptz)',
  'flowline_lock_owner(uuid)',
];

/**
 * The run lifecycle's database functions move to `.sql` files beside the executions repository
 * (libs/executions/src/sql), each taking one jsonb argument, with the lock key, the step upsert, the region
 * rule and the duration written once. Processes still calling the positional signatures fail once this runs.
 */
export class ExecutionFunctionsFromFiles1765100000000 implements MigrationInterface {
  name = 'ExecutionFunctionsFromFiles1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const signature of POSITIONAL) await queryRunner.query(`DROP FUNCTION IF EXISTS ${signature}`);
    await applySqlFunctions(queryRunner, [
      lockOwner,
      durationMs,
      chooseRegion,
      admissionDecision,
      liveUsage,
      recordStep,
      admitExecution,
      finishExecution,
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const signature of ADDED) await queryRunner.query(`DROP FUNCTION IF EXISTS ${signature}`);
    await queryRunner.query(`DROP FUNCTION IF EXISTS flowline_live_usage(uuid)`);
    // The landed functions, as 1764900000000 creates them; its column stays (this migration did not add it).
    const column = /^\s*ALTER TABLE executions ADD COLUMN result_awaited/;
    const functionsOnly = new Proxy(queryRunner, {
      get: (runner, key) =>
        key === 'query' ? (text: string, values?: unknown[]) => (column.test(text) ? undefined : runner.query(text, values)) : Reflect.get(runner, key),
    });
    await new OneRoundTripAdmission1764900000000().up(functionsOnly);
  }
}
