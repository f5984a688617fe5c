import { runMigrations } from 'bullmq';
import type { PoolClient } from 'pg';
import { MigrationInterface, QueryRunner } from 'typeorm';

/** BullMQ's own schema name for its PostgreSQL backend (its default). */
const BULLMQ_SCHEMA = 'bullmq';

/**
 * Single-machine mode keeps in PostgreSQL what Redis holds otherwise:
 * - `window_counters`: fixed-window counters of rate limits and failed logins. Unlogged: they are
 *   worth a window at most, so a crash that empties them costs nothing, and their writes skip the WAL.
 * - BullMQ's queue tables (schema `bullmq`), created by BullMQ's own migrator at the version this build
 *   bundles. A later BullMQ whose schema is newer needs a new migration that calls it again (the
 *   migrations e2e test fails until there is one).
 * Both exist in either mode, so a deployment can switch QUEUE_BACKEND without a schema change.
 * No transaction: BullMQ's migrator opens its own (under its own advisory lock).
 */
export class QueueStoreInPostgres1765300000000 implements MigrationInterface {
  name = 'QueueStoreInPostgres1765300000000';
  transaction = false;

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE UNLOGGED TABLE IF NOT EXISTS window_counters (
        key text PRIMARY KEY,
        hits integer NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
    const client = (await queryRunner.connect()) as PoolClient;
    await runMigrations(client, BULLMQ_SCHEMA);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP SCHEMA IF EXISTS ${BULLMQ_SCHEMA} CASCADE`);
    await queryRunner.query('DROP TABLE IF EXISTS window_counters');
  }
}
