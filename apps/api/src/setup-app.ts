import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { AppConfig } from '@app/config';
import { Logger } from 'nestjs-pino';
import { FlowlineMetrics } from '@app/metrics';
import { httpMetrics } from './metrics/http-metrics.hook';
import { AllExceptionsFilter } from './common/filters/all-exceptions.filter';
import { createValidationPipe } from './common/validation';
import { registerJsonBodyParser } from './security/request-body/json-body.parser';
import { buildOpenApiDocument } from './openapi/openapi-document';

/** The one place that configures the HTTP app; main.ts and the e2e tests both call it. */
export function setupApp(app: NestFastifyApplication): void {
  app.useLogger(app.get(Logger));
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onResponse', httpMetrics(app.get(FlowlineMetrics)));
  registerJsonBodyParser(fastify);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter(app.getHttpAdapter(), app.get(FlowlineMetrics)));
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app, app.get(AppConfig)), {
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: 'Flowline API',
    swaggerOptions: { persistAuthorization: true, validatorUrl: null },
  });
  app.enableShutdownHooks();
}
