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

/** How much of a validation error's field list an answer carries (the OpenAPI document states these bounds). */
export const FIELD_ERRORS_BOUNDS = { fields: 200, field: 300, errorsPerField: 50, error: 1000 } as const;

/** `text` at most `max` characters long: cut with an ellipsis as its last character when longer. */
export function cutText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export class ValidationError extends AppError {
  constructor(message: string, fields: { field: string; errors: string[] }[] = []) {
    const bounded = fields.slice(0, FIELD_ERRORS_BOUNDS.fields).map((entry) => ({
      field: cutText(entry.field, FIELD_ERRORS_BOUNDS.field),
      errors: entry.errors.slice(0, FIELD_ERRORS_BOUNDS.errorsPerField).map((error) => cutText(error, FIELD_ERRORS_BOUNDS.error)),
    }));
    super(CommonErrorCode.ValidationFailed, message, { details: bounded.length > 0 ? { fields: bounded } : {} });
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(message = 'A service Flowline depends on is unavailable; try again shortly') {
    super(CommonErrorCode.ServiceUnavailable, message, { retryAfterSeconds: 5 });
  }
}
