import type { ExecutionStatus } from '@app/database';

/**
 * A connection the caller already holds: the purge's query runner (it holds the
 * purge lock) or the CLI's DataSource. Neither the worker's purge nor the CLI is
 * a Nest context for this, so the repository is built by hand on it.
 */
export interface SqlConnection {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/** Owners and their retention windows in days, index by index. */
export interface RetentionWindows {
  ownerIds: string[];
  days: number[];
}

export interface PurgedBatch {
  deleted: number;
  /** Owners whose executions this batch removed. */
  owners: string[];
}

export interface StatusCount {
  status: ExecutionStatus;
  n: number;
}

/**
 * One statement = one short transaction: picks at most $3 finished executions
 * past their owner's window (an index-only walk of (owner_id, created_at) per
 * owner) and deletes them by primary key; execution_steps go with them by
 * ON DELETE CASCADE. Runs still waiting, queued or running are left to finish
 * first: a worker may be writing them.
 */
const DELETE_PAST_RETENTION = `
  WITH windows AS (
    SELECT * FROM unnest($1::uuid[], $2::int[]) AS w(owner_id, days)
  ), doomed AS (
    SELECT old.id
      FROM windows w
      CROSS JOIN LATERAL (
        SELECT e.id FROM executions e
         WHERE e.owner_id = w.owner_id
           AND e.created_at < now() - make_interval(days => w.days)
           AND e.status IN ('succeeded', 'failed', 'cancelled')
         LIMIT $3
      ) old
     LIMIT $3
  ), deleted AS (
    DELETE FROM executions e USING doomed WHERE e.id = doomed.id RETURNING e.owner_id
  )
  SELECT count(*)::int AS deleted, coalesce(array_agg(DISTINCT owner_id), '{}') AS owners FROM deleted`;

const COUNT_BY_STATUS = `SELECT status, count(*)::int AS n FROM executions GROUP BY status ORDER BY status`;

/** Statements over every owner's executions, for the retention purge and operators; never reachable from a request. */
export class ExecutionMaintenanceRepository {
  constructor(private readonly connection: SqlConnection) {}

  /** Deletes at most `limit` finished executions (and their steps) past their owner's window; one statement. */
  async deletePastRetention(windows: RetentionWindows, limit: number): Promise<PurgedBatch> {
    const [batch] = (await this.connection.query(DELETE_PAST_RETENTION, [windows.ownerIds, windows.days, limit])) as PurgedBatch[];
    return batch;
  }

  /** Executions by status over the whole table, statuses in order. */
  async countByStatus(): Promise<StatusCount[]> {
    return (await this.connection.query(COUNT_BY_STATUS)) as StatusCount[];
  }
}
