import { STATUS_CODES } from 'node:http';
import { cutText, type ErrorCode } from '@app/errors';
import { HTTP_STATUS_OF } from './error-status.table';

/** The contract's error body (DESIGN.md "Errors"); `extra` holds a code's details (limit, current, fields...). */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code: string;
  [extra: string]: unknown;
}

/** The longest message an error body carries (a validation message lists every offending field). */
export const MAX_ERROR_MESSAGE = 4000;

export function errorBody(status: number, code: ErrorCode | 'ERROR', message: string, extra: Record<string, unknown> = {}): ErrorBody {
  return { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message: cutText(message, MAX_ERROR_MESSAGE), code, ...extra };
}

/** The body of a contract error code, at the status the contract gives it. */
export function errorBodyFor(code: ErrorCode, message: string): ErrorBody {
  return errorBody(HTTP_STATUS_OF[code], code, message);
}
