import { AppError, ErrorCode, RequestErrorCode } from '@app/errors';

// Fastify's own refusals of a request, before any route code runs. Their messages may quote the URL.
const REQUEST_ERRORS: Readonly<Record<string, [ErrorCode, string]>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [RequestErrorCode.PayloadTooLarge, 'Request body is larger than 1 MB'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [RequestErrorCode.UnsupportedMediaType, 'Request bodies must be application/json'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [RequestErrorCode.BadRequest, 'Content-Length does not match the body'],
  FST_ERR_BAD_URL: [RequestErrorCode.BadRequest, 'The request URL is not valid'],
  FST_ERR_MAX_PARAM_LENGTH: [RequestErrorCode.BadRequest, 'A path segment of the request URL is too long'],
};

/** The contract's error for a Fastify request error, or null when `exception` is not one. */
export function fastifyRequestError(exception: unknown): AppError | null {
  const candidate = exception as { code?: unknown; statusCode?: unknown };
  if (typeof candidate?.code !== 'string' || !candidate.code.startsWith('FST_')) return null;
  const known = REQUEST_ERRORS[candidate.code];
  if (known) return new AppError(known[0], known[1]);
  const status = candidate.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return null;
  return new AppError(RequestErrorCode.BadRequest, 'Malformed request');
}
