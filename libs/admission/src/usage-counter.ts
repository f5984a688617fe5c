import type { EntityManager } from 'typeorm';

export interface LiveUsage {
  /** queued + running: the runs holding a concurrency slot */
  active: number;
  waiting: number;
  /** runs accepted since the last UTC midnight, any status */
  today: number;
}

/**
 * Serialises admissions of one user: a transaction-scoped advisory lock
 * keyed by the owner id. Every path that creates or promotes an execution
 * takes it first, so two transactions can never both see "one slot free"
 * and both insert: the second waits, then counts the first one's row.
 */
export async function lockOwner(manager: EntityManager, ownerId: string): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1::text, 7))`, [ownerId]);
}

/**
 * Usage is derived from the executions themselves (no counter to drift):
 * a slot is released exactly when its execution leaves queued/running,
 * whoever makes that transition. One definition, in PostgreSQL, shared with admission.
 */
export async function readLiveUsage(manager: EntityManager, ownerId: string): Promise<LiveUsage> {
  const [row] = (await manager.query(`SELECT active, waiting, today FROM flowline_live_usage($1)`, [ownerId])) as LiveUsage[];
  return row;
}
