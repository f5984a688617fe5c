import type Redis from 'ioredis';
import { WindowCount, WindowCounters } from '../window-counters';

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

type WithHitCommand = Redis & {
  flowlineWindowHit(key: string, windowMs: number): Promise<[number, number]>;
  flowlineWindowRelease(key: string): Promise<number>;
};

/** Counters as keys that expire with their window, under the deployment's key prefix. */
export class RedisWindowCounters extends WindowCounters {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
  ) {
    super();
    this.redis.defineCommand('flowlineWindowHit', { numberOfKeys: 1, lua: FIXED_WINDOW_HIT });
    this.redis.defineCommand('flowlineWindowRelease', { numberOfKeys: 1, lua: FIXED_WINDOW_RELEASE });
  }

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    const [hits, ttlMs] = await (this.redis as WithHitCommand).flowlineWindowHit(this.keyOf(key), windowMs);
    return { hits, ttlMs };
  }

  async read(keys: readonly string[]): Promise<WindowCount[]> {
    const pipeline = this.redis.multi();
    for (const key of keys) pipeline.get(this.keyOf(key)).pttl(this.keyOf(key));
    const replies = ((await pipeline.exec()) ?? []).map(([, value]) => Number(value ?? 0));
    return keys.map((_, index) => {
      const ttlMs = replies[index * 2 + 1];
      return ttlMs > 0 ? { hits: replies[index * 2], ttlMs } : { hits: 0, ttlMs: 0 };
    });
  }

  async release(key: string): Promise<void> {
    await (this.redis as WithHitCommand).flowlineWindowRelease(this.keyOf(key));
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
