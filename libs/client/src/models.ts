import type { RequestBody, Result } from './client';

/** Names for the bodies a consumer handles most, taken from the contract's endpoints (not from schema names). */
export type Workflow = Result<'/workflows/{id}', 'get'>;
export type WorkflowCreate = RequestBody<'/workflows', 'post'>;
export type WorkflowStep = WorkflowCreate['steps'][number];
export type Execution = Result<'/executions/{id}', 'get'>;
/** POST /run/async, and POST /run when the run did not finish within waitMs. */
export type RunAccepted = Result<'/run/async', 'post'>;
