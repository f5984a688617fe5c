import { AppError } from './app-error';
import { LimitErrorCode, RunErrorCode } from './error-codes';

/** A tier limit refused a run (API, webhook or schedule tick): the run was not accepted. */
export abstract class RunLimitError extends AppError {}

export class ConcurrencyLimitError extends RunLimitError {
  constructor(limit: number, current: number, retryAfterSeconds = 5) {
    super(LimitErrorCode.Concurrency, `Concurrent job limit reached (${current} of ${limit} running or queued)`, {
      details: { limit, current },
      retryAfterSeconds,
    });
  }
}

export class WaitingLimitError extends RunLimitError {
  constructor(limit: number, current: number) {
    super(LimitErrorCode.Concurrency, `Too many runs waiting for a slot (${current} of ${limit})`, {
      details: { limit, current },
      retryAfterSeconds: 5,
    });
  }
}

export class DailyExecutionLimitError extends RunLimitError {
  constructor(limit: number, current: number, now = new Date()) {
    const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
    const retryAfterSeconds = Math.max(1, Math.ceil((midnight - now.getTime()) / 1000));
    super(LimitErrorCode.DailyExecutions, `Daily execution limit reached (${current} of ${limit} today, UTC)`, {
      details: { limit, current },
      retryAfterSeconds,
    });
  }
}

export class WorkflowInactiveError extends AppError {
  constructor() {
    super(RunErrorCode.WorkflowInactive, 'The workflow is inactive; activate it to run it');
  }
}
