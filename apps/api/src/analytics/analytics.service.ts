import { Injectable } from '@nestjs/common';
import { ExecutionAnalyticsRepository, ExecutionAnalyticsScope } from '@app/executions';
import type { Limit } from '@app/tier-policy';
import { analyticsWindow, roundDuration, successRate } from './analytics-window';
import { AnalyticsSummaryResponse } from './analytics.dto';

@Injectable()
export class AnalyticsService {
  constructor(private readonly executions: ExecutionAnalyticsRepository) {}

  /** Totals, success rate, p50/p95 duration and a zero-filled daily series over the owner's window. */
  async summary(scope: ExecutionAnalyticsScope, requestedDays: number, retentionDays: Limit): Promise<AnalyticsSummaryResponse> {
    const window = analyticsWindow(requestedDays, retentionDays, new Date());
    const { series, percentiles } = await this.executions.summarize(scope, window.from, window.to);
    const totals = { total: 0, succeeded: 0, failed: 0, cancelled: 0 };
    for (const day of series) {
      totals.total += day.total;
      totals.succeeded += day.succeeded;
      totals.failed += day.failed;
      totals.cancelled += day.cancelled;
    }
    return {
      days: window.days,
      retentionDays: window.retentionDays,
      from: window.from.toISOString(),
      to: window.to.toISOString(),
      totals,
      successRate: successRate(totals.succeeded, totals.failed, totals.cancelled),
      durationMs: { p50: roundDuration(percentiles?.[0]), p95: roundDuration(percentiles?.[1]) },
      series,
    };
  }
}
