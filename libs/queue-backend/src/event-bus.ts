/** Events between processes: a run finished (wakes POST /run waiting for it), a running run was cancelled. */
export enum EventChannel {
  ExecutionFinished = 'execution-finished',
  CancelExecution = 'cancel-execution',
}

/**
 * Fire-and-forget messages to every subscribed process (Redis pub/sub, or PostgreSQL LISTEN/NOTIFY).
 * A subscriber that is away misses them: every use has a fallback (a timeout that reads the row, the
 * run's own checks between steps).
 */
export abstract class EventBus {
  abstract publish(channel: EventChannel, message: string): Promise<void>;

  /** Resolves once subscribed (or once the first attempt failed: it subscribes again when the store returns). */
  abstract subscribe(channel: EventChannel, onMessage: (message: string) => void): Promise<void>;

  abstract close(): Promise<void>;
}
