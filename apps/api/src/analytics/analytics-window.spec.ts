import { analyticsWindow, MAX_ANALYTICS_DAYS, roundDuration, successRate } from './analytics-window';

describe('analyticsWindow', () => {
  const now = new Date('2026-03-10T15:30:00.000Z');

  it('covers the last N UTC days, today included, from 00:00 UTC', () => {
    expect(analyticsWindow(7, 30, now)).toEqual({ days: 7, retentionDays: 30, from: new Date('2026-03-04T00:00:00.000Z'), to: now });
    expect(analyticsWindow(1, 30, now).from).toEqual(new Date('2026-03-10T00:00:00.000Z'));
  });

  it('caps the days at the retention, and the window never starts before now - retentionDays', () => {
    const window = analyticsWindow(90, 7, now);
    expect(window).toMatchObject({ days: 7, retentionDays: 7 });
    expect(window.from.getTime()).toBeGreaterThan(now.getTime() - 7 * 86_400_000);
  });

  it('crosses month and year boundaries', () => {
    expect(analyticsWindow(30, 365, new Date('2026-01-05T01:00:00Z')).from).toEqual(new Date('2025-12-07T00:00:00.000Z'));
  });

  it('bounds an unlimited retention', () => {
    expect(analyticsWindow(1_000_000, null, now)).toMatchObject({ days: MAX_ANALYTICS_DAYS, retentionDays: null });
  });
});

describe('successRate and durations', () => {
  it('is succeeded over finished, null when nothing finished', () => {
    expect(successRate(2, 1, 0)).toBe(0.6667);
    expect(successRate(3, 0, 1)).toBe(0.75);
    expect(successRate(0, 0, 0)).toBeNull();
  });

  it('rounds percentiles to 0.01 ms', () => {
    expect(roundDuration(4749.049999999988)).toBe(4749.05);
    expect(roundDuration(null)).toBeNull();
  });
});
