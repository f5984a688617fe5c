import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Analytics and the retention purge read status and duration of many
 * executions per owner (or workflow) and time range. Carrying those columns in
 * the existing (owner_id, created_at) and (workflow_id, created_at) indexes
 * lets both run as index-only scans. Built CONCURRENTLY (hence no transaction)
 * so a large executions table keeps accepting runs meanwhile; the new index
 * takes the old one's name, so queries and plans see no difference.
 */
export class AnalyticsCoveringIndexes1764800000000 implements MigrationInterface {
  name = 'AnalyticsCoveringIndexes1764800000000';
  transaction = false;

  async up(queryRunner: QueryRunner): Promise<void> {
    await replaceIndex(queryRunner, 'ix_executions_owner_created', '(owner_id, created_at) INCLUDE (status, duration_ms)');
    await replaceIndex(queryRunner, 'ix_executions_workflow_created', '(workflow_id, created_at) INCLUDE (owner_id, status, duration_ms)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await replaceIndex(queryRunner, 'ix_executions_owner_created', '(owner_id, created_at)');
    await replaceIndex(queryRunner, 'ix_executions_workflow_created', '(workflow_id, created_at)');
  }
}

async function replaceIndex(queryRunner: QueryRunner, name: string, definition: string): Promise<void> {
  const next = `${name}_next`;
  // A concurrent build that failed half-way leaves an invalid index behind: start clean.
  await queryRunner.query(`DROP INDEX CONCURRENTLY IF EXISTS ${next}`);
  await queryRunner.query(`CREATE INDEX CONCURRENTLY ${next} ON executions ${definition}`);
  await queryRunner.query(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
  await queryRunner.query(`ALTER INDEX ${next} RENAME TO ${name}`);
}
