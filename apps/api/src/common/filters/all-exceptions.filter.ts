import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpServer, HttpStatus, Logger } from '@nestjs/common';
import { AppError, LimitErrorCode } from '@app/errors';
import type { FlowlineMetrics } from '@app/metrics';
import type { AuthUser } from '../auth-user';
import { isDependencyUnavailable } from '../errors/dependency-errors';
import { fastifyRequestError } from '../errors/fastify-errors';
import { errorBody, ErrorBody, errorBodyFor } from '../errors/error-body';
import { CODE_OF_STATUS } from '../errors/error-status.table';

/** A Fastify request, or the Node request Nest middleware sees (middie copies `id` onto it). */
interface FailedRequest {
  id?: unknown;
  method?: string;
  url?: string;
  user?: AuthUser;
}

/**
 * Every error leaves as the contract body. Messages of unexpected errors are
 * never echoed (they may hold SQL, driver text or secrets); 5xx are logged
 * with the request id, which the body carries as `errorId`.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  // The adapter writes the answer: a middleware's error comes with the Node response, not a Fastify reply.
  constructor(
    private readonly httpAdapter: HttpServer,
    private readonly metrics?: FlowlineMetrics,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response: unknown = http.getResponse();
    const request = http.getRequest<FailedRequest>();
    const { body, headers } = this.toBody(fastifyRequestError(exception) ?? exception, request);
    // Run-limit rejections are counted by admission (which knows the region); these two are only seen here.
    if (body.code === LimitErrorCode.RequestRate || body.code === LimitErrorCode.Workflows) {
      this.metrics?.limitRejections.inc({
        code: body.code,
        region: '',
        tier: request.user?.tier ?? 'anonymous',
      });
    }

    if (body.statusCode >= 500) {
      body.errorId = String(request.id ?? '');
      this.logger.error(
        {
          err: exception instanceof Error ? { name: exception.name, message: exception.message, stack: exception.stack } : exception,
          errorId: body.errorId,
        },
        // The path only: a query may carry a secret (the single sign-on callback's code), as in the request log.
        `${request.method} ${(request.url ?? '').split('?', 1)[0]} failed with ${body.statusCode}`,
      );
    }
    if (this.httpAdapter.isHeadersSent(response)) return;
    for (const [name, value] of Object.entries(headers)) this.httpAdapter.setHeader(response, name, value);
    this.httpAdapter.reply(response, body, body.statusCode);
  }

  private toBody(exception: unknown, request: FailedRequest): { body: ErrorBody; headers: Record<string, string> } {
    if (exception instanceof AppError) {
      const headers: Record<string, string> =
        exception.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(exception.retryAfterSeconds) };
      return { body: { ...errorBodyFor(exception.code, exception.message), ...exception.details }, headers };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const payload = exception.getResponse();
      if (status === HttpStatus.SERVICE_UNAVAILABLE) {
        return {
          body: errorBody(503, 'SERVICE_UNAVAILABLE', 'A service Flowline depends on is unavailable', this.healthDetails(payload)),
          headers: { 'Retry-After': '5' },
        };
      }
      const message = this.httpMessage(payload, exception.message, status, request);
      return { body: errorBody(status, CODE_OF_STATUS[status] ?? 'ERROR', message), headers: {} };
    }
    if (isInvalidDataError(exception))
      return {
        body: errorBody(400, 'INVALID_VALUE', 'A value in the request cannot be stored (invalid characters or out of range)'),
        headers: {},
      };
    if (isDependencyUnavailable(exception)) {
      return {
        body: errorBody(503, 'SERVICE_UNAVAILABLE', 'A service Flowline depends on is unavailable; try again shortly'),
        headers: { 'Retry-After': '5' },
      };
    }
    return { body: errorBody(500, 'INTERNAL_ERROR', 'Internal server error'), headers: {} };
  }

  private httpMessage(payload: string | object, fallback: string, status: number, request: FailedRequest): string {
    if (status === 404 && fallback.startsWith('Cannot ')) return `No route for ${request.method} ${(request.url ?? '').split('?', 1)[0]}`;
    if (typeof payload === 'string') return payload;
    const message = (payload as { message?: unknown }).message;
    if (Array.isArray(message)) return message.join('; ');
    return typeof message === 'string' ? message : fallback;
  }

  /** Terminus puts which checks failed in its payload; keep only names and status. */
  private healthDetails(payload: string | object): Record<string, unknown> {
    if (typeof payload !== 'object' || payload === null || !('details' in payload)) return {};
    const details = (payload as { details: Record<string, { status?: string }> }).details;
    return { checks: Object.fromEntries(Object.entries(details).map(([name, value]) => [name, value?.status ?? 'down'])) };
  }
}

/** PostgreSQL class 22 (data exception: NUL in text, invalid encoding, out of range) comes from input, not from a bug. */
function isInvalidDataError(exception: unknown): boolean {
  // TypeORM wraps the driver's error; statements sent straight to the pool (SqlPool) throw it as it is.
  const candidate = exception as { driverError?: { code?: unknown }; code?: unknown; severity?: unknown };
  const code = candidate?.driverError?.code ?? (typeof candidate?.severity === 'string' ? candidate.code : undefined);
  return typeof code === 'string' && code.startsWith('22');
}
