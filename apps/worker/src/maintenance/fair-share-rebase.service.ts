import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { QueueOrderRepository } from '@app/executions';
import { RegionQueues } from '@app/queue-contracts';

/** The base moves when the region's head is this far above it: half of BullMQ's priority range (2^21 - 1). */
export const REBASE_DISTANCE = 2 ** 20;
/** After a move, jobs added with the old base (admitted just before it) are caught by the passes of this long. */
const STRAGGLER_WINDOW_MS = 60_000;
const PAGE = 500;
const PARALLEL_CHANGES = 25;

export interface RebaseReport {
  region: string;
  base: number;
  changed: number;
}

/**
 * Keeps every region's fair order inside BullMQ's priority range. A queued run's priority is its tag minus the
 * region's base (sql/flowline_queue_priority.sql); tags only grow while a region never drains, so when the head
 * is REBASE_DISTANCE above the base, the base moves up to the head and every waiting job gets its priority
 * again. The order does not change: every priority drops by the same amount (those clamped at the limit get
 * their true place back). Runs admitted just before the move are re-prioritised by the next passes.
 */
@Injectable()
export class FairShareRebase {
  private readonly logger = new Logger('FairShareRebase');
  private readonly movedAt = new Map<string, number>();

  constructor(
    private readonly order: QueueOrderRepository,
    private readonly queues: RegionQueues,
    private readonly config: AppConfig,
  ) {}

  async rebase(): Promise<RebaseReport[]> {
    const reports: RebaseReport[] = [];
    for (const region of this.config.regions) {
      const report = await this.rebaseRegion(region).catch((error: Error) => {
        this.logger.warn(`Could not rebase the fair order of ${region}: ${error.message}`);
        return null;
      });
      if (report) reports.push(report);
    }
    return reports;
  }

  private async rebaseRegion(region: string): Promise<RebaseReport | null> {
    const { head, base } = await this.order.order(region);
    let newBase = base;
    if (head !== null && head - base > REBASE_DISTANCE) {
      newBase = head - 1;
      await this.order.moveBase(region, newBase);
      this.movedAt.set(region, Date.now());
    } else if (Date.now() - (this.movedAt.get(region) ?? 0) > STRAGGLER_WINDOW_MS) {
      return null;
    }
    const changed = await this.reprioritise(region);
    const report = { region, base: newBase, changed };
    if (newBase !== base || changed > 0) this.logger.log(report, 'fair order rebased');
    return report;
  }

  /** Every queued run of the region whose job has another priority than its tag gives now gets it. */
  private async reprioritise(region: string): Promise<number> {
    const queue = this.queues.get(region);
    let changed = 0;
    let after: { tag: number; id: string } | null = null;
    for (;;) {
      const page = await this.order.queuedAfter(region, after, PAGE);
      if (page.length === 0) return changed;
      for (let i = 0; i < page.length; i += PARALLEL_CHANGES) {
        const results = await Promise.all(
          page.slice(i, i + PARALLEL_CHANGES).map(async ({ id, priority }) => {
            const job = await queue.getJob(id);
            if (!job || job.priority === priority) return 0;
            // A job that started meanwhile is no longer waiting: its priority no longer matters.
            return job.changePriority({ priority }).then(
              () => 1,
              () => 0,
            );
          }),
        );
        changed += results.reduce<number>((sum, n) => sum + n, 0);
      }
      const last = page[page.length - 1];
      after = { tag: last.tag, id: last.id };
    }
  }
}
