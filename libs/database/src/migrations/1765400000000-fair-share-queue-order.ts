import { MigrationInterface, QueryRunner } from 'typeorm';
import admitExecution from '../../../executions/src/sql/flowline_admit_execution.sql';
import promoteWaiting from '../../../executions/src/sql/flowline_promote_waiting.sql';
import queuePriority from '../../../executions/src/sql/flowline_queue_priority.sql';
import queueTag from '../../../executions/src/sql/flowline_queue_tag.sql';
import { applySqlFunctions } from '../apply-sql-functions';
import admitExecutionBefore from './frozen/flowline_admit_execution.1765200000000.sql';

const INDEXES: [string, string][] = [
  ['ix_executions_region_queue_tag', '(region, queue_tag) WHERE status = \'queued\''],
  ['ix_executions_owner_queue_tag', '(owner_id, region, queue_tag) WHERE status = \'queued\''],
];

/**
 * Fair share between owners in a region queue: a queued run carries its tag in the region's weighted fair
 * order (queue_tag), and its job's priority is the tag's distance from the region's base (queue_fair_share).
 * The two partial indexes answer "the owner's newest tag" and "the region's head" on each admission. Built
 * CONCURRENTLY (hence no migration transaction) so a large executions table keeps accepting runs meanwhile.
 */
export class FairShareQueueOrder1765400000000 implements MigrationInterface {
  name = 'FairShareQueueOrder1765400000000';
  transaction = false;

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE executions ADD COLUMN IF NOT EXISTS queue_tag bigint`);
    await queryRunner.query(`CREATE TABLE IF NOT EXISTS queue_fair_share (region text PRIMARY KEY, base bigint NOT NULL DEFAULT 0)`);
    for (const [name, definition] of INDEXES) {
      // A concurrent build that failed half-way leaves an invalid index behind: start clean.
      await queryRunner.query(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
      await queryRunner.query(`CREATE INDEX CONCURRENTLY ${name} ON executions ${definition}`);
    }
    await queryRunner.startTransaction();
    // admitted_priority is a new OUT column: the function's row type changes, which CREATE OR REPLACE cannot do.
    await queryRunner.query(`DROP FUNCTION IF EXISTS flowline_admit_execution(jsonb)`);
    await applySqlFunctions(queryRunner, [queueTag, queuePriority, promoteWaiting, admitExecution]);
    await queryRunner.commitTransaction();
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.startTransaction();
    await queryRunner.query(`DROP FUNCTION IF EXISTS flowline_admit_execution(jsonb)`);
    await queryRunner.query(`DROP FUNCTION IF EXISTS flowline_promote_waiting(uuid, int, int)`);
    await queryRunner.query(`DROP FUNCTION IF EXISTS flowline_queue_priority(text, bigint)`);
    await queryRunner.query(`DROP FUNCTION IF EXISTS flowline_queue_tag(uuid, text, int)`);
    // The admission function as 1765200000000 applied it (that migration applies the file's current text).
    await applySqlFunctions(queryRunner, [admitExecutionBefore]);
    await queryRunner.commitTransaction();
    for (const [name] of INDEXES) await queryRunner.query(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
    await queryRunner.query(`DROP TABLE IF EXISTS queue_fair_share`);
    await queryRunner.query(`ALTER TABLE executions DROP COLUMN IF EXISTS queue_tag`);
  }
}
