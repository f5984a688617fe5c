import type { Limit } from '@app/tier-policy';

/** Upper bound for an owner without a retention limit, so a window stays a bounded series. */
export const MAX_ANALYTICS_DAYS = 3650;
export const DEFAULT_ANALYTICS_DAYS = 7;

export interface AnalyticsWindow {
  /** Days covered after capping: the UTC calendar days up to and including today. */
  days: number;
  retentionDays: Limit;
  /** 00:00 UTC of the first day. */
  from: Date;
  to: Date;
}

/**
 * The last `days` UTC calendar days, today included, capped at the owner's
 * retention: the first day starts after `now - retentionDays`, so analytics
 * never count an execution that GET /executions would hide.
 */
export function analyticsWindow(requestedDays: number, retentionDays: Limit, now: Date): AnalyticsWindow {
  const days = Math.max(1, Math.min(requestedDays, retentionDays ?? MAX_ANALYTICS_DAYS, MAX_ANALYTICS_DAYS));
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (days - 1)));
  return { days, retentionDays, from, to: now };
}

/** successRate: the share of finished executions that succeeded, 0..1 to four decimals; null when none finished. */
export function successRate(succeeded: number, failed: number, cancelled: number): number | null {
  const finished = succeeded + failed + cancelled;
  return finished === 0 ? null : Math.round((succeeded / finished) * 10_000) / 10_000;
}

/** Durations to 0.01 ms: percentile_cont interpolates, and floating-point noise helps nobody. */
export function roundDuration(value: number | null | undefined): number | null {
  return value === null || value === undefined ? null : Math.round(value * 100) / 100;
}
