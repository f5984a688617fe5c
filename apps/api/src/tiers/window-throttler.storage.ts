import { Logger } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import { WindowCounters } from '@app/queue-backend';

/**
 * The throttler's fixed windows as shared counters, so every api process counts the same requests.
 * (@nest-lab/throttler-storage-redis does not support Nest 12, and single-machine mode has no Redis.)
 */
export class WindowThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger('RateLimit');
  private lastWarning = 0;

  constructor(private readonly counters: WindowCounters) {}

  async increment(
    key: string,
    ttl: number,
    limit: number,
  ): Promise<{ totalHits: number; timeToExpire: number; isBlocked: boolean; timeToBlockExpire: number }> {
    try {
      const { hits, ttlMs } = await this.counters.hit(`rl:${key}`, ttl);
      const seconds = Math.max(1, Math.ceil(ttlMs / 1000));
      return { totalHits: hits, timeToExpire: seconds, isBlocked: hits > limit, timeToBlockExpire: seconds };
    } catch (error) {
      // Fail open: an outage of the counters' store must not take down routes that would otherwise answer.
      this.warn(error);
      return { totalHits: 0, timeToExpire: Math.ceil(ttl / 1000), isBlocked: false, timeToBlockExpire: 0 };
    }
  }

  /** Takes back one hit of `key` (a request that turned out to count elsewhere); fails open like `increment`. */
  async release(key: string): Promise<void> {
    try {
      await this.counters.release(`rl:${key}`);
    } catch (error) {
      this.warn(error);
    }
  }

  private warn(error: unknown): void {
    if (Date.now() - this.lastWarning > 10000) {
      this.lastWarning = Date.now();
      this.logger.warn(`Rate limiting skipped, counters unavailable: ${(error as Error).message}`);
    }
  }
}
