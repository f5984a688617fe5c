import { Injectable } from '@nestjs/common';
import { namedStatement, SqlPool } from '@app/database';

/** How long runs have waited to start, by the database clock. */
export interface RegionTierWait {
  region: string;
  tier: string;
  oldestWaitMs: number;
}

export interface OwnerWait {
  /** Accepted and not started: queued in a region queue, or waiting for one of the owner's slots. */
  queued: number;
  /** Since the oldest of them was accepted; 0 when none. */
  oldestWaitMs: number;
}

const WAIT_MS = `(extract(epoch FROM now() - min(e.created_at)) * 1000)::bigint`;
// Both read the queued runs through ix_executions_region_queue_tag (partial: queued rows only).
const OLDEST_BY_REGION = namedStatement(
  'oldest_queued_by_region',
  `SELECT e.region, ${WAIT_MS} AS oldest_wait_ms FROM executions e WHERE e.status = 'queued' GROUP BY e.region`,
);
const OLDEST_BY_REGION_AND_TIER = namedStatement(
  'oldest_queued_by_region_and_tier',
  `SELECT e.region, u.tier, ${WAIT_MS} AS oldest_wait_ms
     FROM executions e JOIN users u ON u.id = e.owner_id
    WHERE e.status = 'queued' GROUP BY e.region, u.tier`,
);
const OWNER_WAIT = namedStatement(
  'owner_queued_wait',
  `SELECT count(*)::int AS queued, COALESCE(${WAIT_MS}, 0) AS oldest_wait_ms
     FROM executions e WHERE e.owner_id = $1 AND e.status IN ('waiting', 'queued')`,
);

/** The wait that fair share is about: per region (GET /regions, metrics) and per owner (GET /billing/subscription). */
@Injectable()
export class QueueWaitRepository {
  constructor(private readonly sql: SqlPool) {}

  /** Regions with queued runs and how long the oldest has waited; a region with none is absent. */
  async oldestByRegion(): Promise<Map<string, number>> {
    const rows = await this.sql.rows<{ region: string; oldest_wait_ms: string }>(OLDEST_BY_REGION, []);
    return new Map(rows.map((row) => [row.region, Math.max(0, Number(row.oldest_wait_ms))]));
  }

  async oldestByRegionAndTier(): Promise<RegionTierWait[]> {
    const rows = await this.sql.rows<{ region: string; tier: string; oldest_wait_ms: string }>(OLDEST_BY_REGION_AND_TIER, []);
    return rows.map((row) => ({ region: row.region, tier: row.tier, oldestWaitMs: Math.max(0, Number(row.oldest_wait_ms)) }));
  }

  async ofOwner(ownerId: string): Promise<OwnerWait> {
    const row = await this.sql.one<{ queued: number; oldest_wait_ms: string }>(OWNER_WAIT, [ownerId]);
    return { queued: row?.queued ?? 0, oldestWaitMs: Math.max(0, Number(row?.oldest_wait_ms ?? 0)) };
  }
}
