import type { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { AppConfig } from '@app/config';
import { AppError, RequestErrorCode } from '@app/errors';
import { errorBodyFor } from '../common/errors/error-body';
import { fastifyRequestError } from '../common/errors/fastify-errors';
import { answerClientError } from './client-errors';
import { proxyTrust } from './proxy-trust';
import type { SecurityHeaders } from './security-headers';

const EXPOSED_HEADERS = ['Retry-After', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'X-Request-Id'];

/**
 * The Fastify options that security decides: the proxy trust behind
 * `request.ip`, and the answers to requests refused before any hook runs
 * (Node cannot parse them, or the router finds the URL malformed), which
 * carry the security headers and, through the exception filter, the contract's
 * body like every other error. Fastify sends no X-Powered-By.
 */
export function securityServerOptions(
  config: AppConfig,
  headers: SecurityHeaders,
): Required<Pick<FastifyServerOptions, 'trustProxy' | 'clientErrorHandler' | 'frameworkErrors'>> {
  return {
    trustProxy: proxyTrust(config.trustProxy),
    clientErrorHandler: answerClientError(),
    // Fastify's default error handler would answer these, not the exception filter.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      headers(request, reply.raw);
      const refusal = fastifyRequestError(error) ?? new AppError(RequestErrorCode.BadRequest, 'Malformed request');
      const body = errorBodyFor(refusal.code, refusal.message);
      void reply.header('X-Request-Id', request.id).code(body.statusCode).send(body);
    },
  };
}

/** The security headers on every answer, and CORS from the allow-list. */
export function applySecurity(adapter: FastifyAdapter, config: AppConfig, headers: SecurityHeaders): void {
  // The adapter's first request hook: before CORS answers a preflight and before Nest middleware
  // (the queue dashboard's gate) may refuse a request. @fastify/helmet's hook would run after both.
  adapter.setOnRequestHook((request, reply, done) => {
    headers(request, reply.raw);
    done();
  });
  adapter.enableCors({
    origin: config.corsOrigins.length > 0 ? [...config.corsOrigins] : false,
    credentials: true,
    exposedHeaders: EXPOSED_HEADERS,
  });
}
