import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Min } from 'class-validator';
import { DEFAULT_ANALYTICS_DAYS } from './analytics-window';

export class AnalyticsQuery {
  @ApiPropertyOptional({
    minimum: 1,
    default: DEFAULT_ANALYTICS_DAYS,
    description: 'UTC days up to and including today; capped at your retentionDays',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  days: number = DEFAULT_ANALYTICS_DAYS;
}

export class AnalyticsTotals {
  @ApiProperty({ description: 'Executions created in the period (the window, or the day), any status' })
  total: number;
  @ApiProperty()
  succeeded: number;
  @ApiProperty()
  failed: number;
  @ApiProperty()
  cancelled: number;
}

export class AnalyticsDurations {
  @ApiProperty({ nullable: true, type: Number, description: 'Median duration of finished executions (ms, percentile_cont)' })
  p50: number | null;
  @ApiProperty({ nullable: true, type: Number, description: '95th percentile duration of finished executions (ms, percentile_cont)' })
  p95: number | null;
}

export class AnalyticsDay extends AnalyticsTotals {
  @ApiProperty({ example: '2026-03-10', description: 'UTC day; days without executions are present with zeros' })
  date: string;
}

export class AnalyticsSummaryResponse {
  @ApiProperty({ example: 7, description: 'Days covered: the requested days capped at retentionDays' })
  days: number;
  @ApiProperty({ nullable: true, type: Number, example: 7, description: 'Your effective retention (null = unlimited)' })
  retentionDays: number | null;
  @ApiProperty({ example: '2026-03-04T00:00:00.000Z', description: 'Start of the window: 00:00 UTC of the first day' })
  from: string;
  @ApiProperty({ example: '2026-03-10T15:30:00.000Z', description: 'End of the window: the time of the request' })
  to: string;
  @ApiProperty({ type: AnalyticsTotals })
  totals: AnalyticsTotals;
  @ApiProperty({
    nullable: true,
    type: Number,
    example: 0.9523,
    description: 'succeeded / (succeeded + failed + cancelled), 0..1 to four decimals; null when none finished',
  })
  successRate: number | null;
  @ApiProperty({ type: AnalyticsDurations })
  durationMs: AnalyticsDurations;
  @ApiProperty({ type: [AnalyticsDay] })
  series: AnalyticsDay[];
}
