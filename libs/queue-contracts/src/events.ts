/** Redis pub/sub channels on the main Redis, under the deployment's key prefix. */
export function executionFinishedChannel(prefix: string): string {
  return `${prefix}:events:execution-finished`;
}

export function cancelChannel(prefix: string): string {
  return `${prefix}:events:cancel-execution`;
}

export interface ExecutionFinishedEvent {
  executionId: string;
  status: string;
}
