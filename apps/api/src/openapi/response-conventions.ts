import type { HeaderObject, OpenAPIObject, OperationObject, ResponseObject } from '@nestjs/swagger';
import { INT32_MAX, RESPONSE_UUID } from '../common/dto/fields';
import { RATE_WINDOW_MS } from '../tiers/request-budgets';

/** The longest wait the server asks for: a daily limit resets at the next UTC midnight. */
const MAX_RETRY_AFTER_SECONDS = 86_400;

const counter = (description: string, maximum = INT32_MAX): HeaderObject => ({
  description,
  schema: { type: 'integer', format: 'int32', minimum: 0, maximum },
});

/**
 * Headers the global hooks put on answers, whatever the route: the request id (create-api-app.ts), CORS
 * (apply-security.ts) and, on counted requests, the tier or address budget (tiers/request-budgets.ts).
 */
const REQUEST_ID: Record<string, HeaderObject> = {
  'X-Request-Id': {
    description: "The request's id (the caller's X-Request-Id when it is 8-64 of [A-Za-z0-9._-], else a new UUID); logs carry it",
    schema: { type: 'string', pattern: '^[A-Za-z0-9._-]{8,64}$', maxLength: 64 },
  },
};
const CORS: Record<string, HeaderObject> = {
  'Access-Control-Allow-Origin': {
    description: 'The Origin of the request, when it is one of CORS_ORIGINS (absent otherwise: no cross-origin access)',
    schema: { type: 'string', format: 'uri', maxLength: 2048 },
  },
};
const RATE_LIMIT: Record<string, HeaderObject> = {
  'X-RateLimit-Limit': counter("Requests allowed per minute: the caller's tier budget, or the address's anonymous budget"),
  'X-RateLimit-Remaining': counter('Requests left in this window'),
  'X-RateLimit-Reset': counter('Seconds until the window resets', RATE_WINDOW_MS / 1000),
};
const RETRY_AFTER: Record<string, HeaderObject> = {
  'Retry-After': counter('Seconds to wait before trying again', MAX_RETRY_AFTER_SECONDS),
};

const INTERNAL_ERROR_DESCRIPTION = 'Unexpected server error (the body is the contract error with code INTERNAL_ERROR, never details)';

function headersFor(status: string): Record<string, HeaderObject> {
  const counted = status.startsWith('2') || status.startsWith('4');
  return {
    ...REQUEST_ID,
    ...CORS,
    // Counted requests carry the budget (absent for a caller whose limit is unlimited).
    ...(counted ? RATE_LIMIT : {}),
    ...(status === '429' || status === '503' ? RETRY_AFTER : {}),
  };
}

function isResponseObject(response: unknown): response is ResponseObject {
  return typeof response === 'object' && response !== null && !('$ref' in response);
}

/** Every path parameter of this API names a resource by its id: a UUID (ParseUUIDPipe, or 404 for a webhook's workflow). */

function describePathParameters(operation: OperationObject): void {
  for (const parameter of operation.parameters ?? []) {
    if ('in' in parameter && parameter.in === 'path') parameter.schema = { ...RESPONSE_UUID };
  }
}

/**
 * What every operation shares, added once here rather than on each route: its path parameters' shape, the headers above, and a 500
 * (any route can fail unexpectedly; the exception filter answers it with the contract's body).
 */
export function applyResponseConventions(document: OpenAPIObject, errorSchemaRef: string): void {
  for (const pathItem of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation: OperationObject | undefined = pathItem[method];
      if (!operation) continue;
      describePathParameters(operation);
      operation.responses['500'] ??= {
        description: INTERNAL_ERROR_DESCRIPTION,
        content: { 'application/json': { schema: { $ref: errorSchemaRef } } },
      };
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!isResponseObject(response)) continue;
        response.headers = { ...headersFor(status), ...response.headers };
      }
    }
  }
}
