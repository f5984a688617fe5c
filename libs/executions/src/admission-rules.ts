import { UnknownRegionError } from '@app/errors';
import type { Limit } from '@app/tier-policy';

/**
 * The run lifecycle's rules that TypeScript can decide. Admission decides them in PostgreSQL too (it reads the
 * workflow's pin and counts usage under the owner lock): flowline_choose_region.sql and
 * flowline_admission_decision.sql are the same rules, and test/e2e/execution-functions.e2e-spec.ts runs both on
 * one table of cases.
 */

/** An owner's live usage (flowline_live_usage): `active` = queued + running, `today` = accepted since UTC midnight. */
export interface LiveUsage {
  active: number;
  waiting: number;
  today: number;
}

/** At most this many runs of one user wait for a slot. */
export const MAX_WAITING_RUNS = 100;

/** Where a run could go, first that applies (a missing one is null). */
export interface RegionChoice {
  requested: string | null;
  workflowPin: string | null;
  preferred: string | null;
  default: string;
}

export function chooseRegion(choice: RegionChoice): string {
  return choice.requested ?? choice.workflowPin ?? choice.preferred ?? choice.default;
}

/** The chosen region, or UnknownRegionError listing the configured ones. */
export function resolveRegion(choice: RegionChoice, regions: readonly string[]): string {
  const region = chooseRegion(choice);
  if (!regions.includes(region)) throw new UnknownRegionError(region, regions);
  return region;
}

/** The limits admission applies to one run (null = unlimited). */
export interface AdmissionLimits {
  maxConcurrent: Limit;
  daily: Limit;
  /** whenBusy: 'queue' */
  queueWhenBusy: boolean;
  maxWaiting: number;
}

/** A usage snapshot with the limits: the one argument of flowline_admission_decision. */
export type AdmissionCase = LiveUsage & AdmissionLimits;

export type AdmissionDecision = 'queued' | 'waiting' | 'daily_limit' | 'concurrency_limit' | 'waiting_limit';

/** FIFO: while runs wait, a queue-when-busy run waits behind them even when a slot is free. */
export function admissionDecision(snapshot: AdmissionCase): AdmissionDecision {
  const { active, waiting, today, maxConcurrent, daily, queueWhenBusy, maxWaiting } = snapshot;
  if (daily !== null && today >= daily) return 'daily_limit';
  if ((maxConcurrent === null || active < maxConcurrent) && !(queueWhenBusy && waiting > 0)) return 'queued';
  if (!queueWhenBusy) return 'concurrency_limit';
  if (waiting >= maxWaiting) return 'waiting_limit';
  return 'waiting';
}

/** How many waiting runs may start now (oldest first), under the owner lock. */
export function promotableRuns(usage: LiveUsage, maxConcurrent: Limit): number {
  if (maxConcurrent === null) return usage.waiting;
  return Math.min(usage.waiting, Math.max(0, maxConcurrent - usage.active));
}
