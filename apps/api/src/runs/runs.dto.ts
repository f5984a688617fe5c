import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ExecutionEntity } from '@app/database';
import { Allow, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';

export class RunAsyncRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  workflowId: string;

  @ApiPropertyOptional({ description: 'Any JSON; templates and expressions see it as `input`', example: { since: '2026-11-01' } })
  @Allow()
  input?: unknown;

  @ApiPropertyOptional({ example: 'eu-west-1', description: 'Run in this region (beats the workflow pin and your preference)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
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
  @ApiPropertyOptional({ default: 30000, maximum: 120000, description: 'How long to wait for the result before answering 202' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(120000)
  waitMs?: number;
}

export class RunAcceptedResponse {
  @ApiProperty({ format: 'uuid' })
  executionId: string;
  @ApiProperty({ enum: ['queued', 'waiting', 'running', 'succeeded', 'failed', 'cancelled'], example: 'queued' })
  status: string;
  @ApiProperty({ example: 'eu-west-1' })
  region: string;
  @ApiProperty({ example: 'eu-west-1-default' })
  queue: string;
  @ApiPropertyOptional({ type: [String], example: ['no worker is online in eu-west-1'] })
  warnings?: string[];

  static from(execution: Pick<ExecutionEntity, 'id' | 'status' | 'region' | 'queue'>, warnings: string[]): RunAcceptedResponse {
    const { id: executionId, status, region, queue } = execution;
    return { executionId, status, region, queue, ...(warnings.length > 0 ? { warnings } : {}) };
  }
}

export class WebhookAcceptedResponse {
  @ApiProperty({ format: 'uuid' })
  executionId: string;
}
