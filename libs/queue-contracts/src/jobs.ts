/** Every job name and its payload; enqueuers and processors share these types. */
export enum JobName {
  ExecuteWorkflow = 'execute-workflow',
}

export interface ExecuteWorkflowJob {
  /** Also the BullMQ job id, so a run is enqueued at most once. */
  executionId: string;
  /** Carried into worker logs. */
  requestId?: string;
}

export interface JobPayloads {
  [JobName.ExecuteWorkflow]: ExecuteWorkflowJob;
}
