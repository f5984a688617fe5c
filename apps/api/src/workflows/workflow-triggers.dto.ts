import { ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn } from 'class-validator';
import { TextField } from '../common/dto/fields';

export class ManualTrigger {
  @ApiProperty({ enum: ['manual'], description: 'Runs start from POST /run or POST /run/async only' })
  @IsIn(['manual'])
  type: 'manual';
}

export class WebhookTrigger {
  @ApiProperty({ enum: ['webhook'], description: 'Also runs from POST /hooks/{workflowId} with the X-Webhook-Token header' })
  @IsIn(['webhook'])
  type: 'webhook';
}

export class ScheduleTrigger {
  @ApiProperty({ enum: ['schedule'] })
  @IsIn(['schedule'])
  type: 'schedule';

  @TextField({ maxLength: 120, example: '*/5 * * * *', description: 'Cron with 5 fields, or 6 with a leading seconds field' })
  cron: string;

  @TextField({ optional: true, maxLength: 64, example: 'Europe/Paris', description: 'IANA time zone of the cron; default UTC' })
  timezone?: string;
}

export type TriggerRequest = ManualTrigger | WebhookTrigger | ScheduleTrigger;

const TRIGGER_CLASSES = { manual: ManualTrigger, webhook: WebhookTrigger, schedule: ScheduleTrigger };
export const TRIGGER_MODELS = Object.values(TRIGGER_CLASSES);

/**
 * What class-transformer builds when `type` is missing or names no trigger class: validation then refuses it with
 * an error on trigger.type (and, as for every trigger, on any property it does not declare).
 */
class UntypedTrigger {
  @IsIn(Object.keys(TRIGGER_CLASSES))
  type: string;
}

/** class-transformer picks the trigger's class by its `type`. */
export function TriggerType(): PropertyDecorator {
  return Type(() => UntypedTrigger, {
    discriminator: { property: 'type', subTypes: Object.entries(TRIGGER_CLASSES).map(([name, value]) => ({ name, value })) },
    keepDiscriminatorProperty: true,
  });
}

/** The document's schema of a trigger: one of the classes of TRIGGER_MODELS (register them with @ApiExtraModels). */
export const TRIGGER_SCHEMA = {
  oneOf: TRIGGER_MODELS.map((model) => ({ $ref: getSchemaPath(model) })),
  discriminator: {
    propertyName: 'type',
    mapping: Object.fromEntries(Object.entries(TRIGGER_CLASSES).map(([name, model]) => [name, getSchemaPath(model)])),
  },
};
