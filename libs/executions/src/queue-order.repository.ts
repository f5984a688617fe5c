import { Injectable } from '@nestjs/common';
import { namedStatement, SqlPool } from '@app/database';

/** A region's fair order (sql/flowline_queue_tag.sql): its smallest queued tag and the base priorities count from. */
export interface RegionQueueOrder {
  head: number | null;
  base: number;
}

/** A queued run and the BullMQ priority its tag has from the region's current base. */
export interface QueuedPriority {
  id: string;
  priority: number;
  tag: number;
}

const ORDER = namedStatement(
  'region_queue_order',
  `SELECT (SELECT e.queue_tag FROM executions e WHERE e.region = $1 AND e.status = 'queued' AND e.queue_tag IS NOT NULL
            ORDER BY e.queue_tag LIMIT 1) AS head,
          COALESCE((SELECT f.base FROM queue_fair_share f WHERE f.region = $1), 0) AS base`,
);
const MOVE_BASE = namedStatement(
  'move_queue_base',
  `INSERT INTO queue_fair_share (region, base) VALUES ($1, $2) ON CONFLICT (region) DO UPDATE SET base = EXCLUDED.base`,
);
// Keyset pages in tag order; the stored priority follows the base.
const QUEUED_PAGE = namedStatement(
  'queued_priorities_page',
  `UPDATE executions x SET priority = flowline_queue_priority(x.region, x.queue_tag)
     FROM (SELECT e.id FROM executions e
            WHERE e.region = $1 AND e.status = 'queued' AND e.queue_tag IS NOT NULL AND (e.queue_tag, e.id) > ($2::bigint, $3::uuid)
            ORDER BY e.queue_tag, e.id LIMIT $4) page
    WHERE x.id = page.id
   RETURNING x.id, x.priority, x.queue_tag`,
);

/** What moving a region's fair-share base reads and writes (FairShareRebase). */
@Injectable()
export class QueueOrderRepository {
  constructor(private readonly sql: SqlPool) {}

  async order(region: string): Promise<RegionQueueOrder> {
    const row = await this.sql.one<{ head: string | null; base: string }>(ORDER, [region]);
    return { head: row?.head == null ? null : Number(row.head), base: Number(row?.base ?? 0) };
  }

  async moveBase(region: string, base: number): Promise<void> {
    await this.sql.rows(MOVE_BASE, [region, base]);
  }

  /** Up to `limit` queued runs after (tag, id) in tag order, their stored priority recomputed from the current base. */
  async queuedAfter(region: string, after: { tag: number; id: string } | null, limit: number): Promise<QueuedPriority[]> {
    const rows = await this.sql.rows<{ id: string; priority: number; queue_tag: string }>(QUEUED_PAGE, [
      region,
      after?.tag ?? Number.MIN_SAFE_INTEGER,
      after?.id ?? '00000000-0000-0000-0000-000000000000',
      limit,
    ]);
    return rows
      .map((row) => ({ id: row.id, priority: row.priority, tag: Number(row.queue_tag) }))
      .sort((a, b) => a.tag - b.tag || a.id.localeCompare(b.id));
  }
}
