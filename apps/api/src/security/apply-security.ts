import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppConfig } from '@app/config';
import { answerClientErrors, noStoreForApi, securityHeaders } from './security-headers';

const EXPOSED_HEADERS = ['Retry-After', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'X-Request-Id'];

/**
 * What the HTTP app needs before any route: no X-Powered-By, the proxy trust
 * that decides `request.ip`, the contract's security headers (errors
 * included, even those Node answers itself), no-store, and CORS.
 */
export function applySecurity(app: NestExpressApplication, config: AppConfig): void {
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(securityHeaders());
  answerClientErrors(app.getHttpServer());
  app.use(noStoreForApi());
  app.enableCors({
    origin: config.corsOrigins.length > 0 ? [...config.corsOrigins] : false,
    credentials: true,
    exposedHeaders: EXPOSED_HEADERS,
  });
}
