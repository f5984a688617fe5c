import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/config';
import { SubscriptionChangesService } from './subscription-changes.service';

const BATCH = 100;

/**
 * A past-due subscription keeps its tier until the paid period ends; then,
 * unless a newer provider event settled it, the user returns to free. Safe
 * on every api process at once: each user is re-checked under its lock.
 */
@Injectable()
export class PastDueSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PastDueSweeper.name);
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly changes: SubscriptionChangesService,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.config.billing.pastDueSweepMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    let lapsed = 0;
    try {
      const due = (await this.dataSource.query(
        `SELECT user_id FROM subscriptions WHERE status = 'past_due' AND tier <> 'free' AND current_period_end < now() ORDER BY current_period_end LIMIT $1`,
        [BATCH],
      )) as { user_id: string }[];
      for (const { user_id: userId } of due) {
        const ended = await this.dataSource.transaction(async (manager) => {
          const plan = await this.changes.lock(manager, userId);
          const { status, tier, currentPeriodEnd } = plan.subscription;
          if (status !== 'past_due' || tier === 'free' || !currentPeriodEnd || currentPeriodEnd > new Date()) return false;
          await this.changes.apply(manager, plan, { tier: 'free', status: 'canceled' }, { type: 'system' });
          return true;
        });
        if (ended) lapsed++;
      }
    } catch (error) {
      this.logger.warn({ err: { message: (error as Error).message } }, 'past-due sweep failed; retrying on the next tick');
    } finally {
      this.running = false;
    }
    return lapsed;
  }
}
