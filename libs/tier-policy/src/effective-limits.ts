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

/** The highest queue weight a custom limit may give: 16 times a free user's share. */
export const MAX_QUEUE_WEIGHT = 16;

/** The owner's fair-share weight in a region queue: the tier's, or a valid `customLimits.queueWeight`. */
export function queueWeight(tier: TierName, customLimits: { queueWeight?: number | null } | null | undefined): number {
  const custom = customLimits?.queueWeight;
  if (typeof custom === 'number' && Number.isInteger(custom) && custom >= 1 && custom <= MAX_QUEUE_WEIGHT) return custom;
  return TIERS[tier].queueWeight;
}

/** True when `current` may grow by one under `limit`. */
export function withinLimit(limit: Limit, current: number): boolean {
  return limit === null || current < limit;
}
