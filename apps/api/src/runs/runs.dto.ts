import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { REGION_LIMITS, REGION_PATTERN } from '@app/config';
import type { ExecutionEntity } from '@app/database';
import { Allow, IsIn, IsOptional, IsUUID } from 'class-validator';
import { IntegerField, RESPONSE_UUID, TextField } from '../common/dto/fields';
import { REGION_FIELD, REGION_VIEW } from '../users/users.dto';

/** A region's queue in a response: `<region>-default`. */
export const QUEUE_VIEW = {
  type: 'string',
  maxLength: REGION_LIMITS.maxLength + '-default'.length,
  pattern: `${REGION_PATTERN.source.slice(0, -1)}-default$`,
  example: 'eu-west-1-default',
} as const;

export class RunAsyncRequest {
  @ApiProperty(RESPONSE_UUID)
  @IsUUID()
  workflowId: string;

  @ApiPropertyOptional({ description: 'Any JSON; templates and expressions see it as `input`', example: { since: '2026-11-01' } })
  @Allow()
  input?: unknown;

  @TextField({ ...REGION_FIELD, optional: true, description: 'Run in this region (beats the workflow pin and your preference)' })
  region?: string;

  @ApiPropertyOptional({
    enum: ['reject', 'queue'],
    default: 'reject',
    description: 'At the concurrency limit: answer 429, or accept the run as waiting',
  })
  @IsOptional()
  @IsIn(['reject', 'queue'])
  whenBusy?: 'reject' | 'queue';
}

export class RunRequest extends RunAsyncRequest {
  @IntegerField({
    optional: true,
    min: 0,
    max: 120000,
    default: 30000,
    description: 'How long to wait for the result before answering 202',
  })
  waitMs?: number;
}

export class RunAcceptedResponse {
  @ApiProperty(RESPONSE_UUID)
  executionId: string;
  @ApiProperty({ enum: ['queued', 'waiting', 'running', 'succeeded', 'failed', 'cancelled'], example: 'queued' })
  status: string;
  @ApiProperty(REGION_VIEW)
  region: string;
  @ApiProperty(QUEUE_VIEW)
  queue: string;
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', maxLength: 200 },
    maxItems: 10,
    example: ['no worker is online in eu-west-1'],
  })
  warnings?: string[];

  static from(execution: Pick<ExecutionEntity, 'id' | 'status' | 'region' | 'queue'>, warnings: string[]): RunAcceptedResponse {
    const { id: executionId, status, region, queue } = execution;
    return { executionId, status, region, queue, ...(warnings.length > 0 ? { warnings } : {}) };
  }
}

export class WebhookAcceptedResponse {
  @ApiProperty(RESPONSE_UUID)
  executionId: string;
}
