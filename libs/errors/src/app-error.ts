import { CommonErrorCode, ErrorCode } from './error-codes';

export interface AppErrorOptions {
  /** Extra body fields (e.g. `limit`, `current`, `fields`); never secrets. */
  details?: Record<string, unknown>;
  /** When trying again makes sense (an api answers it as `Retry-After`). */
  retryAfterSeconds?: number;
}

/**
 * A domain error with a stable machine code and no transport in it. The
 * api's exception filter renders it as the contract body
 * `{statusCode, error, message, code, ...details}`, the status from its table.
 */
export class AppError extends Error {
  readonly details: Record<string, unknown>;
  readonly retryAfterSeconds?: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message);
    this.name = new.target.name;
    this.details = options.details ?? {};
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export class NotFoundError extends AppError {
  constructor(resource: string) {
    super(CommonErrorCode.NotFound, `${resource} not found`);
  }
}

export class ValidationError extends AppError {
  constructor(message: string, fields: { field: string; errors: string[] }[] = []) {
    super(CommonErrorCode.ValidationFailed, message, { details: fields.length > 0 ? { fields } : {} });
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(message = 'A service Flowline depends on is unavailable; try again shortly') {
    super(CommonErrorCode.ServiceUnavailable, message, { retryAfterSeconds: 5 });
  }
}
