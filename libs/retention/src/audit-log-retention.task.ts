import { RetentionContext, RetentionSectionReport, RetentionTask } from './retention.types';

/**
 * One statement = one short transaction: the oldest rows past the window the
 * audit_logs trigger itself reads (audit_log_settings, written from
 * AUDIT_RETENTION_DAYS by the api), so every row picked here is one the
 * trigger lets go. Without a settings row nothing is old enough.
 */
const DELETE_BATCH = `
  WITH doomed AS (
    SELECT id FROM audit_logs
     WHERE at < now() - make_interval(days => COALESCE((SELECT retention_days FROM audit_log_settings WHERE id), 36500))
     ORDER BY at
     LIMIT $1
  ), deleted AS (
    DELETE FROM audit_logs a USING doomed WHERE a.id = doomed.id RETURNING 1
  )
  SELECT count(*)::int AS deleted FROM deleted`;

/** Audit rows older than AUDIT_RETENTION_DAYS; the trail has no owner, so `owners` stays 0. */
export class AuditLogRetentionTask implements RetentionTask {
  readonly section = 'auditLogs';

  async run(context: RetentionContext): Promise<RetentionSectionReport> {
    const report: RetentionSectionReport = { deleted: 0, batches: 0, owners: 0 };
    for (;;) {
      const [batch] = await context.query<{ deleted: number }>(DELETE_BATCH, [context.batchSize]);
      if (batch.deleted === 0) break;
      report.deleted += batch.deleted;
      report.batches++;
      context.progress(report.batches, batch.deleted, report.deleted);
      if (batch.deleted < context.batchSize) break;
      await context.pause();
    }
    return report;
  }
}
