import { effectiveLimits, TierName } from '@app/tier-policy';
import { RetentionContext, RetentionSectionReport, RetentionTask } from './retention.types';

export interface OwnerRow {
  id: string;
  tier: TierName;
  custom_limits: Record<string, number | null> | null;
}

export interface OwnerRetention {
  ownerIds: string[];
  days: number[];
}

/** Owners with a finite retention and their window; libs/tier-policy decides (tier defaults merged with custom limits). */
export function ownerRetention(owners: readonly OwnerRow[]): OwnerRetention {
  const result: OwnerRetention = { ownerIds: [], days: [] };
  for (const owner of owners) {
    const days = effectiveLimits(owner.tier, owner.custom_limits).retentionDays;
    if (days === null) continue;
    result.ownerIds.push(owner.id);
    result.days.push(days);
  }
  return result;
}

const OWNERS_PER_PAGE = 1000;

/**
 * One statement = one short transaction: picks at most $3 finished executions
 * past their owner's window (an index-only walk of (owner_id, created_at) per
 * owner) and deletes them by primary key; execution_steps go with them by
 * ON DELETE CASCADE. Runs still waiting, queued or running are left to finish
 * first: a worker may be writing them.
 */
const DELETE_BATCH = `
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

/** Executions (and their steps) older than each owner's effective retentionDays. */
export class ExecutionRetentionTask implements RetentionTask {
  readonly section = 'executions';

  async run(context: RetentionContext): Promise<RetentionSectionReport> {
    const report: RetentionSectionReport = { deleted: 0, batches: 0, owners: 0 };
    const owners = new Set<string>();
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
        const [batch] = await context.query<{ deleted: number; owners: string[] }>(DELETE_BATCH, [
          windows.ownerIds,
          windows.days,
          context.batchSize,
        ]);
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
