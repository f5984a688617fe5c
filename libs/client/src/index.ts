/** @flowline/client: the public entry. Depends on nothing of this repository but its own files. */
export { createFlowlineClient, FlowlineClient } from './client';
export type { FlowlineClientOptions, ListQuery, Page, PagedPath, PageItem, PathsWith, RequestBody, Result } from './client';
export { FlowlineApiError } from './errors';
export type { FlowlineErrorBody, FlowlineErrorCode } from './errors';
export type {
  ConditionStep,
  DelayStep,
  Execution,
  HttpStep,
  RunAccepted,
  Step,
  StepOfType,
  StepType,
  TransformStep,
  Trigger,
  Workflow,
  WorkflowCreate,
} from './models';
export type { components, operations, paths } from './generated/openapi';
