import { ExecutionMaintenanceRepository } from '@app/executions';
import { OwnerRow, ownerRetention } from './owner-retention';
import { RetentionContext, RetentionSectionReport, RetentionTask } from './retention.types';

const OWNERS_PER_PAGE = 1000;

/** Executions (and their steps) older than each owner's effective retentionDays; the statement is libs/executions'. */
export class ExecutionRetentionTask implements RetentionTask {
  readonly section = 'executions';

  async run(context: RetentionContext): Promise<RetentionSectionReport> {
    const report: RetentionSectionReport = { deleted: 0, batches: 0, owners: 0 };
    const owners = new Set<string>();
    // On the purge's own connection, like every statement of the purge.
    const executions = new ExecutionMaintenanceRepository({ query: (sql, parameters) => context.query(sql, parameters) });
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const page = await context.query<OwnerRow>(`SELECT id, tier, custom_limits FROM users WHERE id > $1 ORDER BY id LIMIT $2`, [
        after,
        OWNERS_PER_PAGE,
      ]);
      if (page.length === 0) break;
      after = page[page.length - 1].id;
      const windows = ownerRetention(page);
      while (windows.ownerIds.length > 0) {
        const batch = await executions.deletePastRetention(windows, context.batchSize);
        if (batch.deleted === 0) break;
        report.deleted += batch.deleted;
        report.batches++;
        batch.owners.forEach((owner) => owners.add(owner));
        context.progress(report.batches, batch.deleted, report.deleted);
        if (batch.deleted < context.batchSize) break;
        await context.pause();
      }
      if (page.length < OWNERS_PER_PAGE) break;
    }
    report.owners = owners.size;
    return report;
  }
}
