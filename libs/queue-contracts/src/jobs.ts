import type { JobsOptions } from 'bullmq';
import type { JobTraceContext } from '@app/tracing';

/** Every job name and its payload; enqueuers and processors share these types. */
export enum JobName {
  ExecuteWorkflow = 'execute-workflow',
  ScheduledTick = 'scheduled-tick',
}

export interface ExecuteWorkflowJob {
  /** Also the BullMQ job id, so a run is enqueued at most once. Jobs carry ids only: never inputs or secrets. */
  executionId: string;
  /** Carried into worker logs. */
  requestId?: string;
  /**
   * W3C trace context of the span that enqueued the run (ids only): the worker's spans join the run's trace. Absent
   * when tracing is off and in jobs an older api enqueued; the worker then starts a trace of its own.
   */
  traceContext?: JobTraceContext;
}

export interface ScheduledTickJob {
  workflowId: string;
}

export interface JobPayloads {
  [JobName.ExecuteWorkflow]: ExecuteWorkflowJob;
  [JobName.ScheduledTick]: ScheduledTickJob;
}

export type RegionJobData = JobPayloads[JobName];

/** One handler per job name, typed by its payload (Immich's job-handler map): a name without its handler does not compile. */
export type JobHandlerMap<Context> = { readonly [N in JobName]: (payload: JobPayloads[N], context: Context) => Promise<unknown> };

/**
 * Attempts cover infrastructure failures only (PostgreSQL unreachable while
 * recording): a workflow that fails is a completed job with a failed execution.
 * `completedKept`: the queue store's retention of completed jobs (QueueConnections).
 */
export function executeJobOptions(executionId: string, priority: number, completedKept: JobsOptions['removeOnComplete']): JobsOptions {
  return {
    jobId: executionId,
    priority,
    attempts: 10,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: completedKept,
    removeOnFail: { age: 7 * 24 * 3600, count: 10000 },
  };
}

export function scheduleId(workflowId: string): string {
  return `workflow-schedule:${workflowId}`;
}
