import { effectiveLimits, MAX_QUEUE_WEIGHT, queueWeight, withinLimit } from './effective-limits';
import { TIERS } from './tiers';

describe('effectiveLimits', () => {
  it('gives the tier table for a user without overrides', () => {
    expect(effectiveLimits('free', null)).toEqual({
      maxConcurrentJobs: 2,
      maxWorkflows: 5,
      dailyExecutions: 100,
      retentionDays: 7,
      apiRequestsPerMinute: 120,
    });
    expect(effectiveLimits('pro', undefined)).toEqual({
      maxConcurrentJobs: 10,
      maxWorkflows: 50,
      dailyExecutions: 10000,
      retentionDays: 30,
      apiRequestsPerMinute: 1200,
    });
    expect(effectiveLimits('enterprise', {})).toEqual({
      maxConcurrentJobs: null,
      maxWorkflows: null,
      dailyExecutions: null,
      retentionDays: 365,
      apiRequestsPerMinute: 12000,
    });
  });

  it('lets each present override win, null meaning unlimited', () => {
    expect(effectiveLimits('free', { maxConcurrentJobs: 3, dailyExecutions: null })).toMatchObject({
      maxConcurrentJobs: 3,
      dailyExecutions: null,
      maxWorkflows: 5,
    });
    expect(effectiveLimits('enterprise', { maxWorkflows: 1000 }).maxWorkflows).toBe(1000);
  });

  it('ignores absent and malformed fields', () => {
    expect(effectiveLimits('free', { maxWorkflows: undefined, retentionDays: Number.NaN })).toEqual(TIERS.free.limits);
  });

  it('does not change the tier table', () => {
    effectiveLimits('free', { maxConcurrentJobs: 99 });
    expect(TIERS.free.limits.maxConcurrentJobs).toBe(2);
  });
});

describe('queue weight and limit checks', () => {
  it('weighs free 1, pro 2, enterprise 4', () => {
    expect([queueWeight('free', null), queueWeight('pro', null), queueWeight('enterprise', {})]).toEqual([1, 2, 4]);
  });

  it('takes a custom queue weight only when it is an integer from 1 to the maximum', () => {
    expect(queueWeight('free', { queueWeight: 8 })).toBe(8);
    expect(queueWeight('enterprise', { queueWeight: 1 })).toBe(1);
    for (const invalid of [0, -1, 2.5, MAX_QUEUE_WEIGHT + 1, null]) expect(queueWeight('pro', { queueWeight: invalid })).toBe(2);
  });

  it('admits below the limit and always when unlimited', () => {
    expect(withinLimit(2, 1)).toBe(true);
    expect(withinLimit(2, 2)).toBe(false);
    expect(withinLimit(0, 0)).toBe(false);
    expect(withinLimit(null, 1_000_000)).toBe(true);
  });
});
