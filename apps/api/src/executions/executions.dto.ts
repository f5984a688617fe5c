import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { MAX_STEPS } from '@app/engine';
import type { ExecutionEntity, ExecutionStatus, ExecutionStepEntity } from '@app/database';
import { cutText } from '@app/errors';
import { QueryTimeField, RESPONSE_MILLISECONDS, RESPONSE_TIMESTAMP, RESPONSE_UUID } from '../common/dto/fields';
import { PageOf, PaginationQuery } from '../common/dto/pagination.dto';
import { QUEUE_VIEW } from '../runs/runs.dto';
import { REGION_VIEW } from '../users/users.dto';

/** Error texts are cut at this length in answers (a step's error can quote a long upstream message). */
export const MAX_ERROR_TEXT = 4000;
const ERROR_TEXT = { type: 'string', maxLength: MAX_ERROR_TEXT, nullable: true } as const;
const DURATION_MS = { ...RESPONSE_MILLISECONDS, nullable: true } as const;

function errorText(error: string | null): string | null {
  return error === null ? null : cutText(error, MAX_ERROR_TEXT);
}

const STATUSES: ExecutionStatus[] = ['waiting', 'queued', 'running', 'succeeded', 'failed', 'cancelled'];

export class StepResultResponse {
  @ApiProperty({ type: 'string', maxLength: 64, pattern: '^[A-Za-z][A-Za-z0-9_-]{0,63}$', example: 'fetch' })
  id: string;
  @ApiProperty({ enum: ['succeeded', 'failed', 'skipped', 'cancelled'] })
  status: string;
  @ApiProperty({ nullable: true, description: 'Step output (any JSON)' })
  output: unknown;
  @ApiProperty(ERROR_TEXT)
  error: string | null;
  @ApiProperty({ ...RESPONSE_TIMESTAMP, nullable: true })
  startedAt: string | null;
  @ApiProperty(DURATION_MS)
  durationMs: number | null;
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 0, maximum: 100 })
  attempts: number;

  static from(step: ExecutionStepEntity): StepResultResponse {
    return {
      id: step.stepId,
      status: step.status,
      output: step.output ?? null,
      error: errorText(step.error),
      startedAt: step.startedAt?.toISOString() ?? null,
      durationMs: step.durationMs,
      attempts: step.attempts,
    };
  }
}

export class ExecutionResponse {
  @ApiProperty(RESPONSE_UUID)
  id: string;
  @ApiProperty(RESPONSE_UUID)
  workflowId: string;
  @ApiProperty({ enum: STATUSES })
  status: ExecutionStatus;
  @ApiProperty({ enum: ['manual', 'webhook', 'schedule'] })
  trigger: string;
  @ApiProperty(REGION_VIEW)
  region: string;
  @ApiProperty(QUEUE_VIEW)
  queue: string;
  @ApiProperty({ nullable: true })
  input: unknown;
  @ApiProperty({ nullable: true, description: 'Output of the last step that ran' })
  output: unknown;
  @ApiProperty(ERROR_TEXT)
  error: string | null;
  @ApiPropertyOptional({
    type: [StepResultResponse],
    maxItems: MAX_STEPS,
    description: 'Present on GET /executions/:id and on a finished POST /run',
  })
  steps?: StepResultResponse[];
  @ApiProperty(RESPONSE_TIMESTAMP)
  createdAt: string;
  @ApiProperty({ ...RESPONSE_TIMESTAMP, nullable: true })
  startedAt: string | null;
  @ApiProperty({ ...RESPONSE_TIMESTAMP, nullable: true })
  finishedAt: string | null;
  @ApiProperty(DURATION_MS)
  durationMs: number | null;
  @ApiProperty({ type: 'string', maxLength: 300, nullable: true, description: 'host:pid of the worker that ran it' })
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
      error: errorText(execution.error),
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
  @ApiPropertyOptional(RESPONSE_UUID)
  @IsOptional()
  @IsUUID()
  workflowId?: string;

  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES)
  status?: ExecutionStatus;

  @QueryTimeField({ description: 'Created at or after (ISO 8601)', example: '2026-11-01T00:00:00Z' })
  from?: Date;

  @QueryTimeField({ description: 'Created before (ISO 8601)' })
  to?: Date;
}
