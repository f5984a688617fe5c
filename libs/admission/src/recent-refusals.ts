import type { AdmitOutcome } from '@app/executions';

/** How long a limit refusal answers for PostgreSQL: a false 429 may only come from a snapshot this young. */
export const REFUSAL_TTL_MS = 100;
const MAX_ENTRIES = 10_000;

/** What a refusal was decided for: a request that differs in any of these goes to PostgreSQL again. */
export interface RefusalKey {
  ownerId: string;
  workflowId: string;
  region: string | null;
  queueWhenBusy: boolean;
  maxConcurrent: number | null;
  daily: number | null;
}

interface Remembered {
  outcome: AdmitOutcome;
  at: number;
}

/**
 * The limit refusals admission decided in the last 100 ms, per process. A
 * flood of runs from an owner at its limit is answered from here instead of
 * a database round trip each; only refusals are remembered, so an answer
 * from here is never a false 202, and a slot freed in those 100 ms is seen
 * by the first request after them.
 */
export class RecentRefusals {
  private readonly entries = new Map<string, Remembered>();

  constructor(private readonly now: () => number = Date.now) {}

  recall(key: RefusalKey): AdmitOutcome | null {
    const id = keyOf(key);
    const entry = this.entries.get(id);
    if (!entry) return null;
    if (this.now() - entry.at < REFUSAL_TTL_MS) return entry.outcome;
    this.entries.delete(id);
    return null;
  }

  remember(key: RefusalKey, outcome: AdmitOutcome, decidedAt: number): void {
    if (this.entries.size >= MAX_ENTRIES) this.dropExpired();
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(keyOf(key), { outcome, at: decidedAt });
  }

  private dropExpired(): void {
    const now = this.now();
    for (const [id, entry] of this.entries) if (now - entry.at >= REFUSAL_TTL_MS) this.entries.delete(id);
  }
}

function keyOf(key: RefusalKey): string {
  return `${key.ownerId}|${key.workflowId}|${key.region ?? ''}|${key.queueWhenBusy ? 'q' : 'r'}|${key.maxConcurrent ?? '-'}|${key.daily ?? '-'}`;
}
