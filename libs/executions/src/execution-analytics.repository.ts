import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** One UTC day of an owner's (or one workflow's) executions, by status. */
export interface ExecutionDayCounts {
  /** YYYY-MM-DD, UTC */
  date: string;
  total: number;
  succeeded: number;
  failed: number;
  cancelled: number;
}

export interface ExecutionAnalyticsScope {
  ownerId: string;
  /** Narrows to one workflow; the caller has checked that the owner has it. */
  workflowId?: string;
}

export interface ExecutionAnalytics {
  /** Every UTC day from `from` to `to`, zero-filled, in order. */
  series: ExecutionDayCounts[];
  /** percentile_cont 0.5 and 0.95 of the finished executions' duration_ms; null when none finished. */
  percentiles: number[] | null;
}

// Both read the window through the covering indexes (owner or workflow, created_at) INCLUDE (status, duration_ms):
// index-only scans, no heap visits. Days are binned in UTC whatever the session time zone.
const DAILY_SQL = (scopeFilter: string) => `
  WITH daily AS (
    SELECT date_bin('1 day', e.created_at, timestamptz '2000-01-01 00:00:00+00') AS day,
           count(*)::int AS total,
           count(*) FILTER (WHERE e.status = 'succeeded')::int AS succeeded,
           count(*) FILTER (WHERE e.status = 'failed')::int AS failed,
           count(*) FILTER (WHERE e.status = 'cancelled')::int AS cancelled
      FROM executions e
     WHERE ${scopeFilter} AND e.created_at >= $2 AND e.created_at <= $3
     GROUP BY 1
  )
  SELECT to_char(d.day, 'YYYY-MM-DD') AS date,
         coalesce(x.total, 0) AS total, coalesce(x.succeeded, 0) AS succeeded,
         coalesce(x.failed, 0) AS failed, coalesce(x.cancelled, 0) AS cancelled
    FROM generate_series($2::timestamptz AT TIME ZONE 'UTC', $3::timestamptz AT TIME ZONE 'UTC', interval '1 day') AS d(day)
    LEFT JOIN daily x ON x.day = d.day AT TIME ZONE 'UTC'
   ORDER BY d.day`;

const PERCENTILES_SQL = (scopeFilter: string) => `
  SELECT percentile_cont(ARRAY[0.5, 0.95]::float8[]) WITHIN GROUP (ORDER BY e.duration_ms) AS percentiles
    FROM executions e
   WHERE ${scopeFilter} AND e.created_at >= $2 AND e.created_at <= $3
     AND e.status IN ('succeeded', 'failed', 'cancelled')`;

/** The analytics aggregates over an owner's executions; always scoped by the owner id. */
@Injectable()
export class ExecutionAnalyticsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The daily series and the duration percentiles of [from, to], from `from`'s UTC day on. */
  async summarize(scope: ExecutionAnalyticsScope, from: Date, to: Date): Promise<ExecutionAnalytics> {
    const scopeFilter = scope.workflowId ? 'e.owner_id = $1 AND e.workflow_id = $4' : 'e.owner_id = $1';
    const parameters = [scope.ownerId, from, to, ...(scope.workflowId ? [scope.workflowId] : [])];
    // Two scans in parallel on two pooled connections: the series and the percentiles each take one.
    const [series, [durations]] = await Promise.all([
      this.scan<ExecutionDayCounts>(DAILY_SQL(scopeFilter), parameters),
      this.scan<{ percentiles: number[] | null }>(PERCENTILES_SQL(scopeFilter), parameters),
    ]);
    return { series, percentiles: durations.percentiles };
  }

  /**
   * The covering index is a fraction of the table's size, but for an owner
   * who is most of the table the default cost model picks a sequential scan
   * of the heap; costing random reads as cheap as cached pages are keeps the
   * index-only scan. work_mem lets the percentile sort stay in memory.
   */
  private scan<T>(sql: string, parameters: unknown[]): Promise<T[]> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT set_config('random_page_cost', '1.1', true), set_config('work_mem', '32MB', true)`);
      return manager.query(sql, parameters) as Promise<T[]>;
    });
  }
}
