export type TierName = 'free' | 'pro' | 'enterprise';
export const TIER_NAMES: readonly TierName[] = ['free', 'pro', 'enterprise'];

/** A numeric limit; null = unlimited. */
export type Limit = number | null;

export interface TierLimits {
  maxConcurrentJobs: Limit;
  maxWorkflows: Limit;
  dailyExecutions: Limit;
  retentionDays: Limit;
  apiRequestsPerMinute: Limit;
}

export type LimitName = keyof TierLimits;
export const LIMIT_NAMES: readonly LimitName[] = [
  'maxConcurrentJobs',
  'maxWorkflows',
  'dailyExecutions',
  'retentionDays',
  'apiRequestsPerMinute',
];

export interface TierDefinition {
  tier: TierName;
  name: string;
  priceMonthlyUsd: number;
  support: string;
  limits: TierLimits;
  /** Fair share between the owners of a region queue: starts in proportion to this weight while runs wait. */
  queueWeight: number;
}

/** The tier table: the single source for limits, prices and queue weight. */
export const TIERS: Readonly<Record<TierName, TierDefinition>> = {
  free: {
    tier: 'free',
    name: 'Free',
    priceMonthlyUsd: 0,
    support: 'Community',
    limits: { maxConcurrentJobs: 2, maxWorkflows: 5, dailyExecutions: 100, retentionDays: 7, apiRequestsPerMinute: 120 },
    queueWeight: 1,
  },
  pro: {
    tier: 'pro',
    name: 'Pro',
    priceMonthlyUsd: 29,
    support: 'Priority',
    limits: { maxConcurrentJobs: 10, maxWorkflows: 50, dailyExecutions: 10_000, retentionDays: 30, apiRequestsPerMinute: 1_200 },
    queueWeight: 2,
  },
  enterprise: {
    tier: 'enterprise',
    name: 'Enterprise',
    priceMonthlyUsd: 299,
    support: '24/7 Dedicated',
    limits: { maxConcurrentJobs: null, maxWorkflows: null, dailyExecutions: null, retentionDays: 365, apiRequestsPerMinute: 12_000 },
    queueWeight: 4,
  },
};

export function isTierName(value: unknown): value is TierName {
  return typeof value === 'string' && (TIER_NAMES as readonly string[]).includes(value);
}
