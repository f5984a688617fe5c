import { Logger } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import Redis from 'ioredis';
import { AppConfig } from '@app/config';

// One round trip, atomic across api processes: count the hit, start the window on the first one.
const FIXED_WINDOW = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {hits, ttl}
`;

/**
 * Fixed-window counters on the main Redis, shared by every api process.
 * (@nest-lab/throttler-storage-redis does not support Nest 12.)
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger('RateLimit');
  private lastWarning = 0;

  constructor(
    private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {
    this.redis.defineCommand('flowlineHit', { numberOfKeys: 1, lua: FIXED_WINDOW });
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
  ): Promise<{ totalHits: number; timeToExpire: number; isBlocked: boolean; timeToBlockExpire: number }> {
    try {
      const [hits, ttlMs] = (await (
        this.redis as unknown as { flowlineHit(key: string, ttl: number): Promise<[number, number]> }
      ).flowlineHit(`${this.config.redisKeyPrefix}:rl:${key}`, ttl)) as [number, number];
      const seconds = Math.max(1, Math.ceil(ttlMs / 1000));
      return { totalHits: hits, timeToExpire: seconds, isBlocked: hits > limit, timeToBlockExpire: seconds };
    } catch (error) {
      // Fail open: an outage of Redis must not take down routes that only need PostgreSQL.
      if (Date.now() - this.lastWarning > 10000) {
        this.lastWarning = Date.now();
        this.logger.warn(`Rate limiting skipped, Redis unavailable: ${(error as Error).message}`);
      }
      return { totalHits: 0, timeToExpire: Math.ceil(ttl / 1000), isBlocked: false, timeToBlockExpire: 0 };
    }
  }
}
