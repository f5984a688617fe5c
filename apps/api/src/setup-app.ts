import { INestApplication } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { FlowlineMetrics } from '@app/metrics';
import { httpMetrics } from './metrics/http-metrics.hook';
import { AllExceptionsFilter } from './common/filters/all-exceptions.filter';
import { createValidationPipe } from './common/validation';
import { registerJsonBodyParser } from './security/request-body/json-body.parser';
import { withStepSchemas } from './workflows/step-schemas.openapi';

export function buildOpenApiDocument(app: INestApplication) {
  const document = new DocumentBuilder()
    .setTitle('Flowline API')
    .setDescription(
      'Multi-tenant, multi-region workflow automation. Authenticate with a bearer token from POST /auth/login, or an API key in X-API-Key.',
    )
    .setVersion('1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, when the deployment sets one' }, 'metrics-token')
    .build();
  return withStepSchemas(SwaggerModule.createDocument(app, document));
}

/** The one place that configures the HTTP app; main.ts and the e2e tests both call it. */
export function setupApp(app: NestFastifyApplication): void {
  app.useLogger(app.get(Logger));
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onResponse', httpMetrics(app.get(FlowlineMetrics)));
  registerJsonBodyParser(fastify);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter(app.getHttpAdapter(), app.get(FlowlineMetrics)));
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: 'Flowline API',
    swaggerOptions: { persistAuthorization: true, validatorUrl: null },
  });
  app.enableShutdownHooks();
}
