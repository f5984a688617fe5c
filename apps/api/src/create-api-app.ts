import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig } from '@app/config';
import { requestIdOf } from '@app/logging';
import { AppModule } from './app.module';
import { applySecurity, securityServerOptions } from './security/apply-security';
import { securityHeaders } from './security/security-headers';
import { setupApp } from './setup-app';

// Node's own defaults, which the api ran with on Express; Fastify's are 72 s and no limit at all.
const KEEP_ALIVE_TIMEOUT_MS = 5_000;
const REQUEST_TIMEOUT_MS = 300_000;
// Express matched a route parameter of any length; Fastify's default (100) answers 414 to a long id.
const MAX_PARAM_LENGTH = 16 * 1024;

function createHttpAdapter(config: AppConfig): FastifyAdapter {
  const headers = securityHeaders();
  const adapter = new FastifyAdapter({
    ...securityServerOptions(config, headers),
    genReqId: requestIdOf,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
  });
  applySecurity(adapter, config, headers);
  // Before Nest middleware (added when Nest initialises), so answers that middleware ends carry it too.
  adapter.getInstance().addHook('onRequest', (request, reply, done) => {
    reply.raw.setHeader('X-Request-Id', request.id);
    done();
  });
  return adapter;
}

export async function createApiApp(config: AppConfig): Promise<NestFastifyApplication> {
  // Request bodies are parsed by registerJsonBodyParser (setupApp), not by Nest's parsers.
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), createHttpAdapter(config), {
    bodyParser: false,
    bufferLogs: true,
  });
  setupApp(app);
  return app;
}
