import { HttpStatus } from '@nestjs/common';
import { AppError } from './app-error';

export class ConcurrencyLimitError extends AppError {
  constructor(limit: number, current: number, retryAfterSeconds = 5) {
    super(HttpStatus.TOO_MANY_REQUESTS, 'CONCURRENCY_LIMIT', `Concurrent job limit reached (${current} of ${limit} running or queued)`, { limit, current }, { 'Retry-After': String(retryAfterSeconds) });
  }
}

export class WaitingLimitError extends AppError {
  constructor(limit: number, current: number) {
    super(HttpStatus.TOO_MANY_REQUESTS, 'CONCURRENCY_LIMIT', `Too many runs waiting for a slot (${current} of ${limit})`, { limit, current }, { 'Retry-After': '5' });
  }
}

export class DailyExecutionLimitError extends AppError {
  constructor(limit: number, current: number, now = new Date()) {
    const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
    const retryAfter = Math.max(1, Math.ceil((midnight - now.getTime()) / 1000));
    super(HttpStatus.TOO_MANY_REQUESTS, 'DAILY_EXECUTION_LIMIT', `Daily execution limit reached (${current} of ${limit} today, UTC)`, { limit, current }, { 'Retry-After': String(retryAfter) });
  }
}

export class WorkflowLimitError extends AppError {
  constructor(limit: number, current: number) {
    super(HttpStatus.FORBIDDEN, 'WORKFLOW_LIMIT', `Workflow limit reached (${current} of ${limit})`, { limit, current });
  }
}

export class WorkflowInactiveError extends AppError {
  constructor() {
    super(HttpStatus.CONFLICT, 'WORKFLOW_INACTIVE', 'The workflow is inactive; activate it to run it');
  }
}
