import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { UserEntity } from '@app/database';
import { effectiveLimits } from '@app/tier-policy';
import { RunAdmission } from './run-admission.service';
import { lockOwner, readLiveUsage } from './usage-counter';

interface PromotedRow {
  id: string;
  region: string;
  priority: number;
  request_id: string | null;
  created_at: Date;
}

/**
 * Starts a user's waiting runs, oldest first, as slots free. Runs under the
 * same per-owner lock as admission, so promotion never exceeds the limit.
 */
@Injectable()
export class WaitingRunsPromoter {
  private readonly logger = new Logger(WaitingRunsPromoter.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly admission: RunAdmission,
  ) {}

  async promote(ownerId: string): Promise<number> {
    const promoted = await this.dataSource.transaction(async (manager) => {
      await lockOwner(manager, ownerId);
      const owner = await manager.findOne(UserEntity, { where: { id: ownerId } });
      if (!owner) return [];
      const usage = await readLiveUsage(manager, ownerId);
      if (usage.waiting === 0) return [];
      const limit = effectiveLimits(owner.tier, owner.customLimits).maxConcurrentJobs;
      const free = limit === null ? usage.waiting : Math.max(0, limit - usage.active);
      if (free === 0) return [];
      const [rows] = (await manager.query(
        `UPDATE executions SET status = 'queued'
          WHERE id IN (SELECT id FROM executions WHERE owner_id = $1 AND status = 'waiting' ORDER BY created_at, id LIMIT $2 FOR UPDATE)
        RETURNING id, region, priority, request_id, created_at`,
        [ownerId, free],
      )) as [PromotedRow[], number];
      return rows;
    });
    promoted.sort((a, b) => a.created_at.getTime() - b.created_at.getTime());
    for (const row of promoted) {
      // A failed add leaves the row queued; the reconciler enqueues it later.
      await this.admission
        .enqueue({ id: row.id, region: row.region, priority: row.priority, requestId: row.request_id })
        .catch((error: Error) => {
          this.logger.warn(`Could not enqueue promoted execution ${row.id}: ${error.message}`);
        });
    }
    return promoted.length;
  }
}
