/** The message of EventChannel.ExecutionFinished. */
export interface ExecutionFinishedEvent {
  executionId: string;
  status: string;
}
