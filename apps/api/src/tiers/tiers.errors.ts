import { AppError, LimitErrorCode } from '@app/errors';

/** Creating (or activating) one more workflow would pass the tier's maxWorkflows. */
export class WorkflowLimitError extends AppError {
  constructor(limit: number, current: number) {
    super(LimitErrorCode.Workflows, `Workflow limit reached (${current} of ${limit})`, { details: { limit, current } });
  }
}

/** The caller's requests this minute passed the tier's apiRequestsPerMinute (or the anonymous budget). */
export class RateLimitError extends AppError {
  constructor(limit: number, current: number, retryAfterSeconds: number) {
    super(LimitErrorCode.RequestRate, `Too many requests: ${limit} per minute allowed`, { details: { limit, current }, retryAfterSeconds });
  }
}
