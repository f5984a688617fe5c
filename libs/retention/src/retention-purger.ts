import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource, QueryRunner } from 'typeorm';
import { AuditLogRetentionTask } from './audit-log-retention.task';
import { ExecutionRetentionTask } from './execution-retention.task';
import { RetentionOptions, RetentionProgress, RetentionReport, RetentionSectionReport, RetentionTask } from './retention.types';

/** Session advisory lock: one purge at a time across workers and the CLI. */
const PURGE_LOCK_ID = 7_114_008;

/** The retention tasks, in order. */
export function defaultRetentionTasks(): RetentionTask[] {
  return [new ExecutionRetentionTask(), new AuditLogRetentionTask()];
}

export interface PurgeRun {
  onProgress?: (progress: RetentionProgress) => void;
  /** Wait for a purge running elsewhere to finish (the CLI) instead of skipping (the scheduled job). */
  waitForLock?: boolean;
  onWaiting?: () => void;
}

/** The one purge, shared by the worker's scheduled job and `npm run cli -- purge`. */
export class RetentionPurger {
  constructor(
    private readonly dataSource: DataSource,
    private readonly options: RetentionOptions,
    private readonly tasks: readonly RetentionTask[] = defaultRetentionTasks(),
  ) {}

  async purge(run: PurgeRun = {}): Promise<RetentionReport> {
    const started = Date.now();
    const sections: Record<string, RetentionSectionReport> = {};
    const finish = (skipped?: string): RetentionReport => ({
      startedAt: new Date(started).toISOString(),
      finishedAt: new Date().toISOString(),
      durationMs: Date.now() - started,
      ...(skipped ? { skipped } : {}),
      deleted: Object.values(sections).reduce((sum, section) => sum + section.deleted, 0),
      sections,
    });

    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      if (!(await this.lock(runner, run))) return finish('another purge is running');
      try {
        for (const task of this.tasks) {
          sections[task.section] = await task.run({
            ...this.options,
            query: (sql, parameters) => runner.query(sql, parameters),
            pause: () => (this.options.batchPauseMs > 0 ? sleep(this.options.batchPauseMs) : Promise.resolve()),
            progress: (batch, deleted, sectionDeleted) => run.onProgress?.({ section: task.section, batch, deleted, sectionDeleted }),
          });
        }
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [PURGE_LOCK_ID]).catch(() => undefined);
      }
      return finish();
    } finally {
      await runner.release();
    }
  }

  private async lock(runner: QueryRunner, run: PurgeRun): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [PURGE_LOCK_ID])) as { locked: boolean }[];
      if (locked || !run.waitForLock) return locked;
      if (attempt === 0) run.onWaiting?.();
      await sleep(500);
    }
  }
}
