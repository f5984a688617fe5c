import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import type { StoredStep, WorkflowEntity, WorkflowTrigger } from '@app/database';
import { PageOf, PaginationQuery } from '../common/dto/pagination.dto';

export class TriggerRequest {
  @ApiProperty({ enum: ['manual', 'webhook', 'schedule'], example: 'schedule' })
  @IsIn(['manual', 'webhook', 'schedule'])
  type: 'manual' | 'webhook' | 'schedule';

  @ApiPropertyOptional({ example: '*/5 * * * *', description: 'Cron (a leading seconds field is allowed); schedule triggers only' })
  @ValidateIf((trigger: TriggerRequest) => trigger.type === 'schedule' || trigger.cron !== undefined)
  @IsString()
  @MaxLength(120)
  cron?: string;

  @ApiPropertyOptional({ example: 'Europe/Paris', description: 'IANA time zone of the cron; default UTC' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timezone?: string;
}

const STEPS_EXAMPLE = [
  {
    id: 'fetch',
    type: 'http',
    params: { method: 'GET', url: 'https://api.example.com/orders?since={{ input.since }}' },
    retry: { attempts: 3, backoffMs: 500 },
    timeoutMs: 5000,
  },
  { id: 'count', type: 'transform', params: { expression: '$count(steps.fetch.output.body.orders)' } },
  { id: 'enough', type: 'condition', params: { expression: 'steps.count.output > 0' } },
];

export class CreateWorkflowRequest {
  @ApiProperty({ example: 'Nightly order sync', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ maxLength: 2000, nullable: true, type: String })
  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiProperty({
    description:
      'Steps run in order: http {method, url, headers?, query?, body?, credentialId?}, ' +
      'transform {expression}, condition {expression}, delay {ms}',
    example: STEPS_EXAMPLE,
    type: 'array',
    items: { type: 'object' },
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsObject({ each: true })
  steps: StoredStep[];

  @ApiPropertyOptional({ type: TriggerRequest, description: 'Default {type: "manual"}' })
  @IsOptional()
  @ValidateNested()
  @Type(() => TriggerRequest)
  trigger?: TriggerRequest;

  @ApiPropertyOptional({ nullable: true, type: String, example: 'eu-west-1', description: 'Pin runs to a region' })
  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @IsString()
  region?: string | null;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

/** Every field optional; the same rules as create. */
export class UpdateWorkflowRequest extends PartialType(CreateWorkflowRequest) {}

export class WebhookResponse {
  @ApiProperty({ example: 'https://flowline.example.com/hooks/0b7c…' })
  url: string;
  @ApiProperty({ description: 'Send as X-Webhook-Token. Shown only here and when rotated.' })
  token: string;
}

export class WorkflowResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty()
  name: string;
  @ApiProperty({ nullable: true, type: String })
  description: string | null;
  @ApiProperty({ type: 'array', items: { type: 'object' }, example: STEPS_EXAMPLE })
  steps: StoredStep[];
  @ApiProperty({ type: TriggerRequest })
  trigger: WorkflowTrigger;
  @ApiProperty({ nullable: true, type: String })
  region: string | null;
  @ApiProperty()
  active: boolean;
  @ApiPropertyOptional({ type: WebhookResponse, description: 'Only when a webhook token was just created' })
  webhook?: WebhookResponse;
  @ApiProperty()
  createdAt: string;
  @ApiProperty()
  updatedAt: string;

  static from(workflow: WorkflowEntity, webhook?: WebhookResponse): WorkflowResponse {
    return {
      id: workflow.id,
      name: workflow.name,
      description: workflow.description,
      steps: workflow.steps,
      trigger: workflow.trigger,
      region: workflow.region,
      active: workflow.active,
      ...(webhook ? { webhook } : {}),
      createdAt: workflow.createdAt.toISOString(),
      updatedAt: workflow.updatedAt.toISOString(),
    };
  }
}

export class WorkflowPage extends PageOf(WorkflowResponse) {}

export class WorkflowListQuery extends PaginationQuery {}
