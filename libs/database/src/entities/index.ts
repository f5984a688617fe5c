import { ApiKeyEntity } from './api-key.entity';
import { AuditLogEntity } from './audit-log.entity';
import { BillingEventEntity } from './billing-event.entity';
import { CredentialEntity } from './credential.entity';
import { ExecutionStepEntity } from './execution-step.entity';
import { ExecutionEntity } from './execution.entity';
import { SubscriptionChangeEntity } from './subscription-change.entity';
import { SubscriptionEntity } from './subscription.entity';
import { UserEntity } from './user.entity';
import { WorkflowEntity } from './workflow.entity';

export * from './api-key.entity';
export * from './audit-log.entity';
export * from './billing-event.entity';
export * from './credential.entity';
export * from './execution-step.entity';
export * from './execution.entity';
export * from './subscription-change.entity';
export * from './subscription.entity';
export * from './user.entity';
export * from './workflow.entity';

export const ENTITIES = [
  UserEntity,
  ApiKeyEntity,
  WorkflowEntity,
  ExecutionEntity,
  ExecutionStepEntity,
  CredentialEntity,
  AuditLogEntity,
  SubscriptionEntity,
  SubscriptionChangeEntity,
  BillingEventEntity,
];
