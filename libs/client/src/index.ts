/** @flowline/client: the public entry. Depends on nothing of this repository but its own files. */
export { createFlowlineClient, FlowlineClient } from './client';
export type { FlowlineClientOptions, ListQuery, Page, PagedPath, PageItem, PathsWith, RequestBody, Result } from './client';
export { FlowlineApiError } from './errors';
export type { FlowlineErrorBody, FlowlineErrorCode } from './errors';
export type { Execution, Workflow, WorkflowCreate, WorkflowStep, RunAccepted } from './models';
export type { components, operations, paths } from './generated/openapi';
