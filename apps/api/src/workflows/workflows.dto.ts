import { ApiExtraModels, ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsObject, IsOptional, ValidateNested } from 'class-validator';
import type { StoredStep, WorkflowEntity, WorkflowTrigger } from '@app/database';
import { MAX_STEPS, STEPS_SCHEMA } from '@app/engine';
import { RESPONSE_TIMESTAMP, RESPONSE_UUID, TextField } from '../common/dto/fields';
import { PageOf, PaginationQuery } from '../common/dto/pagination.dto';
import { REGION_FIELD, REGION_VIEW } from '../users/users.dto';

const WORKFLOW_NAME = { minLength: 1, maxLength: 200 } as const;
const DESCRIPTION_MAX = 2000;
import { TRIGGER_MODELS, TRIGGER_SCHEMA, TriggerRequest, TriggerType } from './workflow-triggers.dto';

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

@ApiExtraModels(...TRIGGER_MODELS)
export class CreateWorkflowRequest {
  @TextField({ ...WORKFLOW_NAME, example: 'Nightly order sync' })
  name: string;

  @TextField({ maxLength: DESCRIPTION_MAX, optional: true, nullable: true })
  description?: string | null;

  @ApiProperty({
    ...STEPS_SCHEMA,
    description: 'Run in order; each later step may read the outputs of earlier ones',
    example: STEPS_EXAMPLE,
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_STEPS)
  @IsObject({ each: true })
  steps: StoredStep[];

  @ApiPropertyOptional({ ...TRIGGER_SCHEMA, description: 'Default {type: "manual"}' })
  @IsOptional()
  @ValidateNested()
  @TriggerType()
  trigger?: TriggerRequest;

  @TextField({ ...REGION_FIELD, optional: true, nullable: true, description: 'Pin runs to a region (one of GET /regions)' })
  region?: string | null;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

/** Every field optional; the same rules as create. */
export class UpdateWorkflowRequest extends PartialType(CreateWorkflowRequest) {}

export class WebhookResponse {
  @ApiProperty({ format: 'uri', maxLength: 2048, example: 'https://flowline.example.com/hooks/0b7c4d1e-2f3a-4b5c-8d9e-0f1a2b3c4d5e' })
  url: string;
  @ApiProperty({
    pattern: '^whk_[A-Za-z0-9_-]{43}$',
    maxLength: 47,
    description: 'Send as X-Webhook-Token. Shown only here and when rotated.',
  })
  token: string;
}

export class WorkflowResponse {
  @ApiProperty(RESPONSE_UUID)
  id: string;
  @ApiProperty({ type: 'string', ...WORKFLOW_NAME })
  name: string;
  @ApiProperty({ type: 'string', maxLength: DESCRIPTION_MAX, nullable: true })
  description: string | null;
  @ApiProperty({ ...STEPS_SCHEMA, example: STEPS_EXAMPLE })
  steps: StoredStep[];
  @ApiProperty(TRIGGER_SCHEMA)
  trigger: WorkflowTrigger;
  @ApiProperty({ ...REGION_VIEW, nullable: true })
  region: string | null;
  @ApiProperty()
  active: boolean;
  @ApiPropertyOptional({ type: WebhookResponse, description: 'Only when a webhook token was just created' })
  webhook?: WebhookResponse;
  @ApiProperty(RESPONSE_TIMESTAMP)
  createdAt: string;
  @ApiProperty(RESPONSE_TIMESTAMP)
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
