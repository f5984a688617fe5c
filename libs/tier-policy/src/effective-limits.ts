import { LIMIT_NAMES, Limit, TierLimits, TierName, TIERS } from './tiers';

export type CustomLimitsInput = Partial<Record<keyof TierLimits, Limit | undefined>> | null | undefined;

/** Tier defaults merged with a user's overrides: each present field wins, `null` meaning unlimited. */
export function effectiveLimits(tier: TierName, customLimits: CustomLimitsInput): TierLimits {
  const limits: TierLimits = { ...TIERS[tier].limits };
  if (!customLimits) return limits;
  for (const name of LIMIT_NAMES) {
    const override = customLimits[name];
    if (override === null || (typeof override === 'number' && Number.isFinite(override))) limits[name] = override;
  }
  return limits;
}

export function queuePriority(tier: TierName): number {
  return TIERS[tier].queuePriority;
}

/** True when `current` may grow by one under `limit`. */
export function withinLimit(limit: Limit, current: number): boolean {
  return limit === null || current < limit;
}
