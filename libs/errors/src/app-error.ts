import { HttpStatus } from '@nestjs/common';

/**
 * A domain error with a stable machine code. The global filter turns it into
 * the contract body `{statusCode, error, message, code, ...details}`.
 */
export class AppError extends Error {
  constructor(
    readonly status: HttpStatus,
    readonly code: string,
    message: string,
    /** Extra body fields (e.g. `limit`, `current`, `fields`); never secrets. */
    readonly details: Record<string, unknown> = {},
    /** Response headers such as `Retry-After`. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export class NotFoundError extends AppError {
  constructor(resource: string) {
    super(HttpStatus.NOT_FOUND, 'NOT_FOUND', `${resource} not found`);
  }
}

export class ValidationError extends AppError {
  constructor(message: string, fields: { field: string; errors: string[] }[] = []) {
    super(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', message, fields.length > 0 ? { fields } : {});
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(message = 'A service Flowline depends on is unavailable; try again shortly') {
    super(HttpStatus.SERVICE_UNAVAILABLE, 'SERVICE_UNAVAILABLE', message, {}, { 'Retry-After': '5' });
  }
}
