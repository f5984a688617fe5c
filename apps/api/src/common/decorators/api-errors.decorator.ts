import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse, ApiSecurity } from '@nestjs/swagger';
import { ErrorResponse } from '../dto/error-response.dto';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input: malformed JSON, or the body names the offending fields',
  401: 'Missing or invalid credentials',
  403: 'Authenticated, but not allowed (role or limit)',
  404: 'Not found (or not yours)',
  409: 'Conflicts with the current state',
  413: 'Body larger than 1 MB',
  415: 'Body is not application/json',
  429: 'Too many requests or a limit was reached; see Retry-After',
  503: 'PostgreSQL or Redis unreachable',
};

/** Documents error responses with the contract's error body (their headers: openapi/response-conventions.ts). */
export function ApiErrors(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status] ?? 'Error',
        type: ErrorResponse,
      }),
    ),
  );
}

/** Authenticated route: both security schemes, and the errors every such route may answer. */
export function ApiAuthErrors(): MethodDecorator & ClassDecorator {
  return applyDecorators(ApiBearerAuth('bearer'), ApiSecurity('api-key'), ApiErrors(401, 429, 503));
}
