import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig } from '@app/config';
import { securityHeaders } from './security-headers';

const EXPOSED_HEADERS = ['Retry-After', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'X-Request-Id'];

/**
 * What the HTTP app needs before any route: the contract's security headers
 * and no-store, and CORS. Proxy trust (`request.ip`) and the answer to requests
 * Node cannot parse are options of the Fastify instance (createApiApp);
 * Fastify sends no X-Powered-By.
 */
export function applySecurity(app: NestFastifyApplication, config: AppConfig): void {
  // The adapter runs this hook before Nest middleware and for every answer, 404s and router errors
  // included; @fastify/helmet's own hook would run after middleware, so the queue dashboard's refusals
  // would go without headers.
  const adapter = app.getHttpAdapter();
  if (!adapter.registerSecurityHook) throw new Error('The HTTP adapter cannot run a request hook before middleware');
  adapter.registerSecurityHook(securityHeaders());
  app.enableCors({
    origin: config.corsOrigins.length > 0 ? [...config.corsOrigins] : false,
    credentials: true,
    exposedHeaders: EXPOSED_HEADERS,
  });
}
