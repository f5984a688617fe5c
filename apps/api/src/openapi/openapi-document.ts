import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, ServerObject, SwaggerModule, getSchemaPath } from '@nestjs/swagger';
import type { AppConfig } from '@app/config';
import { ErrorResponse } from '../common/dto/error-response.dto';
import { applyResponseConventions } from './response-conventions';
import { SECURITY_SCHEMES } from './security-schemes';
import { API_TAGS } from './api-tags';
import { withStepSchemas } from '../workflows/step-schemas.openapi';

const ENVIRONMENT_NAMES: Record<AppConfig['env'], string> = { development: 'local development', test: 'test', production: 'production' };

/** The document GET /docs-json serves and scripts/openapi-document.mjs builds offline: the DTOs and decorators, plus the conventions. */
export function buildOpenApiDocument(app: INestApplication, config: Pick<AppConfig, 'publicUrl' | 'env'>): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Flowline API')
    .setDescription(
      'Multi-tenant, multi-region workflow automation. Authenticate with a bearer token from POST /auth/login, or an API key in X-API-Key.',
    )
    .setVersion('1.0');
  for (const [name, scheme] of Object.entries(SECURITY_SCHEMES)) builder.addSecurity(name, scheme);
  for (const tag of API_TAGS) builder.addTag(tag.name, tag.description);
  const document = withStepSchemas(SwaggerModule.createDocument(app, builder.build(), { extraModels: [ErrorResponse] }));
  applyResponseConventions(document, getSchemaPath(ErrorResponse));
  // x-internal false: the api is meant for callers outside the deployment (OWASP API9, inventory).
  const server: ServerObject & { 'x-internal': boolean } = {
    url: config.publicUrl,
    description: `This deployment, ${ENVIRONMENT_NAMES[config.env]} (PUBLIC_URL)`,
    'x-internal': false,
  };
  document.servers = [server];
  return document;
}
