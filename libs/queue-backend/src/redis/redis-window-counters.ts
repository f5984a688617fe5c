import { WindowCount, WindowCounters } from '../window-counters';
import type { RedisClient } from './redis-client';

// One round trip, atomic across api processes: count the hit, start the window on the first one.
const FIXED_WINDOW_HIT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {hits, ttl}
`;

// DECR keeps the key's expiry; a key whose window ended is absent and stays absent (DECR would create it without one).
const FIXED_WINDOW_RELEASE = `
local hits = tonumber(redis.call('GET', KEYS[1]))
if hits and hits > 0 then redis.call('DECR', KEYS[1]) end
return 0
`;

// The count and the time left of one window, read together (a window ending between two reads would pair them wrongly).
const FIXED_WINDOW_READ = `
return {tonumber(redis.call('GET', KEYS[1]) or '0'), redis.call('PTTL', KEYS[1])}
`;

type WithWindowCommands = RedisClient & {
  flowlineWindowHit(key: string, windowMs: number): Promise<[number, number]>;
  flowlineWindowRead(key: string): Promise<[number, number]>;
  flowlineWindowRelease(key: string): Promise<number>;
};

/**
 * Counters as keys that expire with their window, under the deployment's key prefix. Every command and
 * script touches one key, so counters spread over a Redis Cluster's slots.
 */
export class RedisWindowCounters extends WindowCounters {
  private readonly redis: WithWindowCommands;

  constructor(
    redis: RedisClient,
    private readonly keyPrefix: string,
  ) {
    super();
    redis.defineCommand('flowlineWindowHit', { numberOfKeys: 1, lua: FIXED_WINDOW_HIT });
    redis.defineCommand('flowlineWindowRead', { numberOfKeys: 1, lua: FIXED_WINDOW_READ });
    redis.defineCommand('flowlineWindowRelease', { numberOfKeys: 1, lua: FIXED_WINDOW_RELEASE });
    this.redis = redis as WithWindowCommands;
  }

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    const [hits, ttlMs] = await this.redis.flowlineWindowHit(this.keyOf(key), windowMs);
    return { hits, ttlMs };
  }

  async read(keys: readonly string[]): Promise<WindowCount[]> {
    // One script per key (keys of a cluster live in different slots); auto-pipelining sends them in one write.
    const replies = await Promise.all(keys.map((key) => this.redis.flowlineWindowRead(this.keyOf(key))));
    return replies.map(([hits, ttlMs]) => (ttlMs > 0 ? { hits, ttlMs } : { hits: 0, ttlMs: 0 }));
  }

  async release(key: string): Promise<void> {
    await this.redis.flowlineWindowRelease(this.keyOf(key));
  }

  async clear(key: string): Promise<void> {
    await this.redis.del(this.keyOf(key));
  }

  async purgeExpired(): Promise<number> {
    return 0; // Redis expires the keys itself
  }

  private keyOf(key: string): string {
    return `${this.keyPrefix}:${key}`;
  }
}
