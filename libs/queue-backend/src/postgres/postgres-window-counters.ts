import type { DataSource } from 'typeorm';
import { WindowCount, WindowCounters } from '../window-counters';

// The window restarts when the stored one has ended; concurrent hits of one key serialize on its row.
const HIT = `
INSERT INTO window_counters AS counter (key, hits, expires_at)
VALUES ($1, 1, clock_timestamp() + $2 * interval '1 millisecond')
ON CONFLICT (key) DO UPDATE SET
  hits = CASE WHEN counter.expires_at <= clock_timestamp() THEN 1 ELSE counter.hits + 1 END,
  expires_at = CASE WHEN counter.expires_at <= clock_timestamp() THEN excluded.expires_at ELSE counter.expires_at END
RETURNING hits, ceil(extract(epoch FROM counter.expires_at - clock_timestamp()) * 1000)::int AS ttl_ms`;

const READ = `
SELECT key, hits, ceil(extract(epoch FROM expires_at - clock_timestamp()) * 1000)::int AS ttl_ms
FROM window_counters WHERE key = ANY($1) AND expires_at > clock_timestamp()`;

const RELEASE = `
UPDATE window_counters SET hits = hits - 1 WHERE key = $1 AND hits > 0 AND expires_at > clock_timestamp()`;

interface CountRow {
  key?: string;
  hits: number;
  ttl_ms: number;
}

/** Counters as rows of the unlogged `window_counters` table (single-machine mode). */
export class PostgresWindowCounters extends WindowCounters {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    const [row] = (await this.dataSource.query(HIT, [key, windowMs])) as CountRow[];
    return { hits: row.hits, ttlMs: Math.max(1, row.ttl_ms) };
  }

  async read(keys: readonly string[]): Promise<WindowCount[]> {
    const rows = (await this.dataSource.query(READ, [keys])) as CountRow[];
    return keys.map((key) => {
      const row = rows.find((candidate) => candidate.key === key);
      return row ? { hits: row.hits, ttlMs: Math.max(1, row.ttl_ms) } : { hits: 0, ttlMs: 0 };
    });
  }

  async release(key: string): Promise<void> {
    await this.dataSource.query(RELEASE, [key]);
  }

  async clear(key: string): Promise<void> {
    await this.dataSource.query('DELETE FROM window_counters WHERE key = $1', [key]);
  }

  async purgeExpired(): Promise<number> {
    const [, deleted] = (await this.dataSource.query('DELETE FROM window_counters WHERE expires_at <= clock_timestamp()')) as [
      unknown,
      number,
    ];
    return deleted;
  }
}
