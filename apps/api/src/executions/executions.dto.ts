import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsOptional, IsUUID } from 'class-validator';
import type { ExecutionEntity, ExecutionStatus, ExecutionStepEntity } from '@app/database';
import { PageOf, PaginationQuery } from '../common/dto/pagination.dto';

const STATUSES: ExecutionStatus[] = ['waiting', 'queued', 'running', 'succeeded', 'failed', 'cancelled'];

export class StepResultResponse {
  @ApiProperty({ example: 'fetch' })
  id: string;
  @ApiProperty({ enum: ['succeeded', 'failed', 'skipped', 'cancelled'] })
  status: string;
  @ApiProperty({ nullable: true, description: 'Step output (any JSON)' })
  output: unknown;
  @ApiProperty({ nullable: true, type: String })
  error: string | null;
  @ApiProperty({ nullable: true, type: String })
  startedAt: string | null;
  @ApiProperty({ nullable: true, type: Number })
  durationMs: number | null;
  @ApiProperty()
  attempts: number;

  static from(step: ExecutionStepEntity): StepResultResponse {
    return {
      id: step.stepId,
      status: step.status,
      output: step.output ?? null,
      error: step.error,
      startedAt: step.startedAt?.toISOString() ?? null,
      durationMs: step.durationMs,
      attempts: step.attempts,
    };
  }
}

export class ExecutionResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'uuid' })
  workflowId: string;
  @ApiProperty({ enum: STATUSES })
  status: ExecutionStatus;
  @ApiProperty({ enum: ['manual', 'webhook', 'schedule'] })
  trigger: string;
  @ApiProperty({ example: 'eu-west-1' })
  region: string;
  @ApiProperty({ example: 'eu-west-1-default' })
  queue: string;
  @ApiProperty({ nullable: true })
  input: unknown;
  @ApiProperty({ nullable: true, description: 'Output of the last step that ran' })
  output: unknown;
  @ApiProperty({ nullable: true, type: String })
  error: string | null;
  @ApiPropertyOptional({ type: [StepResultResponse], description: 'Present on GET /executions/:id and on a finished POST /run' })
  steps?: StepResultResponse[];
  @ApiProperty()
  createdAt: string;
  @ApiProperty({ nullable: true, type: String })
  startedAt: string | null;
  @ApiProperty({ nullable: true, type: String })
  finishedAt: string | null;
  @ApiProperty({ nullable: true, type: Number })
  durationMs: number | null;
  @ApiProperty({ nullable: true, type: String })
  workerId: string | null;

  static from(execution: ExecutionEntity, steps?: ExecutionStepEntity[]): ExecutionResponse {
    return {
      id: execution.id,
      workflowId: execution.workflowId,
      status: execution.status,
      trigger: execution.trigger,
      region: execution.region,
      queue: execution.queue,
      input: execution.input ?? null,
      output: execution.output ?? null,
      error: execution.error,
      ...(steps ? { steps: steps.map(StepResultResponse.from) } : {}),
      createdAt: execution.createdAt.toISOString(),
      startedAt: execution.startedAt?.toISOString() ?? null,
      finishedAt: execution.finishedAt?.toISOString() ?? null,
      durationMs: execution.durationMs,
      workerId: execution.workerId,
    };
  }
}

export class ExecutionPage extends PageOf(ExecutionResponse) {}

export class ExecutionListQuery extends PaginationQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  workflowId?: string;

  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES)
  status?: ExecutionStatus;

  @ApiPropertyOptional({ description: 'Created at or after (ISO 8601)', example: '2026-11-01T00:00:00Z' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  from?: Date;

  @ApiPropertyOptional({ description: 'Created before (ISO 8601)' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  to?: Date;
}
