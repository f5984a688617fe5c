import type { RetentionWindows } from '@app/executions';
import { effectiveLimits, TierName } from '@app/tier-policy';

export interface OwnerRow {
  id: string;
  tier: TierName;
  custom_limits: Record<string, number | null> | null;
}

/** Parallel arrays, the shape the purge statement unnests. */
export type OwnerRetention = RetentionWindows;

/** Owners with a finite retention and their window; libs/tier-policy decides (tier defaults merged with custom limits). */
export function ownerRetention(owners: readonly OwnerRow[]): OwnerRetention {
  const result: OwnerRetention = { ownerIds: [], days: [] };
  for (const owner of owners) {
    const days = effectiveLimits(owner.tier, owner.custom_limits).retentionDays;
    if (days === null) continue;
    result.ownerIds.push(owner.id);
    result.days.push(days);
  }
  return result;
}
