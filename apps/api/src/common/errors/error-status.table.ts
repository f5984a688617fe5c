import { HttpStatus } from '@nestjs/common';
import type { ErrorCode } from '@app/errors';

/** The one place that turns an error code into an HTTP status; a code missing here does not compile. */
export const HTTP_STATUS_OF: Readonly<Record<ErrorCode, number>> = {
  NOT_FOUND: HttpStatus.NOT_FOUND,
  VALIDATION_FAILED: HttpStatus.BAD_REQUEST,
  INVALID_VALUE: HttpStatus.BAD_REQUEST,
  SERVICE_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  INTERNAL_ERROR: HttpStatus.INTERNAL_SERVER_ERROR,

  BAD_REQUEST: HttpStatus.BAD_REQUEST,
  INVALID_JSON: HttpStatus.BAD_REQUEST,
  JSON_TOO_DEEP: HttpStatus.BAD_REQUEST,
  INVALID_TEXT: HttpStatus.BAD_REQUEST,
  PAYLOAD_TOO_LARGE: HttpStatus.PAYLOAD_TOO_LARGE,
  UNSUPPORTED_MEDIA_TYPE: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  METHOD_NOT_ALLOWED: HttpStatus.METHOD_NOT_ALLOWED,
  HEADERS_TOO_LARGE: 431, // Request Header Fields Too Large (not in Nest's enum)
  REQUEST_TIMEOUT: HttpStatus.REQUEST_TIMEOUT,

  UNAUTHORIZED: HttpStatus.UNAUTHORIZED,
  FORBIDDEN: HttpStatus.FORBIDDEN,
  EMAIL_TAKEN: HttpStatus.CONFLICT,
  LOGIN_RATE_LIMIT: HttpStatus.TOO_MANY_REQUESTS,
  SELF_CHANGE_FORBIDDEN: HttpStatus.FORBIDDEN,
  SSO_REQUIRED: HttpStatus.FORBIDDEN,

  CONCURRENCY_LIMIT: HttpStatus.TOO_MANY_REQUESTS,
  DAILY_EXECUTION_LIMIT: HttpStatus.TOO_MANY_REQUESTS,
  WORKFLOW_LIMIT: HttpStatus.FORBIDDEN,
  RATE_LIMIT: HttpStatus.TOO_MANY_REQUESTS,

  WORKFLOW_INACTIVE: HttpStatus.CONFLICT,
  UNKNOWN_REGION: HttpStatus.BAD_REQUEST,
  EXECUTION_FINAL: HttpStatus.CONFLICT,
  CONFLICT: HttpStatus.CONFLICT,

  UNKNOWN_TIER: HttpStatus.BAD_REQUEST,
  INVALID_SIGNATURE: HttpStatus.BAD_REQUEST,
  INVALID_EVENT: HttpStatus.BAD_REQUEST,
  WEBHOOK_NOT_CONFIGURED: HttpStatus.BAD_REQUEST,
  PAYMENT_PROVIDER_ERROR: HttpStatus.BAD_GATEWAY,
};

/** Nest's own exceptions (a route that does not exist, a pipe's refusal) name only a status. */
export const CODE_OF_STATUS: Readonly<Partial<Record<number, ErrorCode>>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMIT',
  503: 'SERVICE_UNAVAILABLE',
};
