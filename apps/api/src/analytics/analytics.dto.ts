import { ApiProperty } from '@nestjs/swagger';
import { INT32_MAX, IntegerField, RESPONSE_TIMESTAMP, responseCount } from '../common/dto/fields';
import { DEFAULT_ANALYTICS_DAYS, MAX_ANALYTICS_DAYS } from './analytics-window';

const count = (description?: string) => responseCount({ description });
const MILLISECONDS = { type: 'number', format: 'double', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, nullable: true } as const;

export class AnalyticsQuery {
  @IntegerField({
    optional: true,
    fromQuery: true,
    min: 1,
    max: INT32_MAX,
    default: DEFAULT_ANALYTICS_DAYS,
    description: `UTC days up to and including today; capped at your retentionDays and at ${MAX_ANALYTICS_DAYS}`,
  })
  days: number = DEFAULT_ANALYTICS_DAYS;
}

export class AnalyticsTotals {
  @ApiProperty(count('Executions created in the period (the window, or the day), any status'))
  total: number;
  @ApiProperty(count())
  succeeded: number;
  @ApiProperty(count())
  failed: number;
  @ApiProperty(count())
  cancelled: number;
}

export class AnalyticsDurations {
  @ApiProperty({ ...MILLISECONDS, description: 'Median duration of finished executions (ms, percentile_cont)' })
  p50: number | null;
  @ApiProperty({ ...MILLISECONDS, description: '95th percentile duration of finished executions (ms, percentile_cont)' })
  p95: number | null;
}

export class AnalyticsDay extends AnalyticsTotals {
  @ApiProperty({
    type: 'string',
    format: 'date',
    maxLength: 10,
    example: '2026-03-10',
    description: 'UTC day; days without executions are present with zeros',
  })
  date: string;
}

export class AnalyticsSummaryResponse {
  @ApiProperty({
    type: 'integer',
    format: 'int32',
    minimum: 1,
    maximum: MAX_ANALYTICS_DAYS,
    example: 7,
    description: 'Days covered: the requested days capped at retentionDays',
  })
  days: number;
  @ApiProperty(responseCount({ description: 'Your effective retention (null = unlimited)', nullable: true, example: 7 }))
  retentionDays: number | null;
  @ApiProperty({
    ...RESPONSE_TIMESTAMP,
    example: '2026-03-04T00:00:00.000Z',
    description: 'Start of the window: 00:00 UTC of the first day',
  })
  from: string;
  @ApiProperty({ ...RESPONSE_TIMESTAMP, example: '2026-03-10T15:30:00.000Z', description: 'End of the window: the time of the request' })
  to: string;
  @ApiProperty({ type: AnalyticsTotals })
  totals: AnalyticsTotals;
  @ApiProperty({
    nullable: true,
    type: 'number',
    format: 'double',
    minimum: 0,
    maximum: 1,
    example: 0.9523,
    description: 'succeeded / (succeeded + failed + cancelled), 0..1 to four decimals; null when none finished',
  })
  successRate: number | null;
  @ApiProperty({ type: AnalyticsDurations })
  durationMs: AnalyticsDurations;
  @ApiProperty({ type: [AnalyticsDay], maxItems: MAX_ANALYTICS_DAYS, description: 'One entry per day of the window, oldest first' })
  series: AnalyticsDay[];
}
