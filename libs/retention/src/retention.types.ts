/** What one retention task removed. */
export interface RetentionSectionReport {
  deleted: number;
  /** Transactions that deleted at least one row. */
  batches: number;
  /** Owners whose rows were removed (0 for data that has no owner). */
  owners: number;
}

/**
 * The result of one purge, one named section per task (`executions`,
 * `auditLogs`), so the worker's job result and the CLI say exactly what
 * went where.
 */
export interface RetentionReport {
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** Set when another process was already purging: this run deleted nothing. */
  skipped?: string;
  deleted: number;
  sections: Record<string, RetentionSectionReport>;
}

export interface RetentionProgress {
  section: string;
  batch: number;
  /** Rows removed by this batch. */
  deleted: number;
  /** Rows removed by this section so far. */
  sectionDeleted: number;
}

export interface RetentionOptions {
  /** Rows per transaction. */
  batchSize: number;
  /** Pause between batches. */
  batchPauseMs: number;
}

/** What a task gets: one connection (it holds the purge lock), the batch settings, and a progress sink. */
export interface RetentionContext extends RetentionOptions {
  query<T = Record<string, unknown>>(sql: string, parameters?: unknown[]): Promise<T[]>;
  pause(): Promise<void>;
  progress(batch: number, deleted: number, sectionDeleted: number): void;
}

/**
 * One kind of data with a retention rule. Deletes in batches of at most
 * `context.batchSize` rows per statement, pausing between batches.
 */
export interface RetentionTask {
  readonly section: string;
  run(context: RetentionContext): Promise<RetentionSectionReport>;
}
