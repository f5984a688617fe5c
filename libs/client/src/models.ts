import type { RequestBody, Result } from './client';

/** Names for the bodies a consumer handles most, taken from the contract's endpoints (not from schema names). */
export type Workflow = Result<'/workflows/{id}', 'get'>;
export type WorkflowCreate = RequestBody<'/workflows', 'post'>;
export type Execution = Result<'/executions/{id}', 'get'>;
/** POST /run/async, and POST /run when the run did not finish within waitMs. */
export type RunAccepted = Result<'/run/async', 'post'>;

/** One step of a workflow: a union discriminated by `type`, each with its own `params`. */
export type Step = WorkflowCreate['steps'][number];
export type StepType = Step['type'];
export type StepOfType<T extends StepType> = Extract<Step, { type: T }>;
export type HttpStep = StepOfType<'http'>;
export type TransformStep = StepOfType<'transform'>;
export type ConditionStep = StepOfType<'condition'>;
export type DelayStep = StepOfType<'delay'>;
/** A workflow's trigger: manual, webhook, or schedule with its cron. */
export type Trigger = NonNullable<WorkflowCreate['trigger']>;
