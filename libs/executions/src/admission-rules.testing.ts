import type { AdmissionCase, AdmissionDecision, RegionChoice } from './admission-rules';

/** Cases shared by the unit spec and the agreement test against PostgreSQL (execution-functions.e2e-spec). */
const limits = (maxConcurrent: number | null, daily: number | null, queueWhenBusy: boolean, maxWaiting = 100) => ({
  maxConcurrent,
  daily,
  queueWhenBusy,
  maxWaiting,
});

export const DECISION_CASES: [string, AdmissionCase, AdmissionDecision][] = [
  ['no limits', { active: 50, waiting: 0, today: 100_000, ...limits(null, null, false) }, 'queued'],
  ['under both limits', { active: 1, waiting: 0, today: 5, ...limits(2, 100, false) }, 'queued'],
  ['daily limit reached, slots free', { active: 0, waiting: 0, today: 100, ...limits(2, 100, false) }, 'daily_limit'],
  ['daily limit reached, queue when busy', { active: 2, waiting: 3, today: 100, ...limits(2, 100, true) }, 'daily_limit'],
  ['daily limit of 0', { active: 0, waiting: 0, today: 0, ...limits(2, 0, false) }, 'daily_limit'],
  ['no slot, reject', { active: 2, waiting: 0, today: 2, ...limits(2, 100, false) }, 'concurrency_limit'],
  ['over the limit after a downgrade, reject', { active: 7, waiting: 0, today: 7, ...limits(2, 100, false) }, 'concurrency_limit'],
  ['concurrency limit of 0', { active: 0, waiting: 0, today: 0, ...limits(0, null, false) }, 'concurrency_limit'],
  ['no slot, queue when busy', { active: 2, waiting: 0, today: 2, ...limits(2, 100, true) }, 'waiting'],
  ['slot free but runs wait, queue when busy (FIFO)', { active: 1, waiting: 1, today: 3, ...limits(2, 100, true) }, 'waiting'],
  ['slot free and runs wait, reject', { active: 1, waiting: 1, today: 3, ...limits(2, 100, false) }, 'queued'],
  ['unlimited but runs wait, queue when busy', { active: 9, waiting: 2, today: 11, ...limits(null, null, true) }, 'waiting'],
  ['waiting list full', { active: 2, waiting: 100, today: 102, ...limits(2, null, true) }, 'waiting_limit'],
  ['waiting list one short of full', { active: 2, waiting: 99, today: 101, ...limits(2, null, true) }, 'waiting'],
  ['waiting list of 0', { active: 2, waiting: 0, today: 2, ...limits(2, null, true, 0) }, 'waiting_limit'],
];

const choice = (requested: string | null, workflowPin: string | null, preferred: string | null): RegionChoice => ({
  requested,
  workflowPin,
  preferred,
  default: 'us-east-1',
});

export const REGION_CASES: [string, RegionChoice, string][] = [
  ['the request wins', choice('eu-west-1', 'ap-south-1', 'us-west-2'), 'eu-west-1'],
  ['then the workflow pin', choice(null, 'ap-south-1', 'us-west-2'), 'ap-south-1'],
  ["then the user's preference", choice(null, null, 'us-west-2'), 'us-west-2'],
  ['then the default', choice(null, null, null), 'us-east-1'],
  ['an unknown request is chosen (and refused)', choice('mars-1', 'eu-west-1', null), 'mars-1'],
];
