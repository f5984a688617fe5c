import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import cluster from 'node:cluster';
import { ConfigValidationError, loadConfigFromEnvironment } from '@app/config';
import { superviseApiProcesses } from './api-cluster';
import { createApiApp } from './create-api-app';

// Every interface (dual-stack), where Express listened by default; Fastify's default is localhost only.
const ALL_INTERFACES = '::';

async function bootstrap(): Promise<void> {
  const config = loadConfigFromEnvironment();
  if (config.apiProcesses > 1 && cluster.isPrimary) return superviseApiProcesses(config);
  const app = await createApiApp(config);
  await app.listen(config.port, ALL_INTERFACES);
  new Logger('Bootstrap').log(`Flowline api listening on ${config.publicUrl} (Swagger UI at ${config.publicUrl}/docs)`);
}

bootstrap().catch((error: unknown) => {
  // Config errors name the settings, never their values.
  const message =
    error instanceof ConfigValidationError ? error.message : `failed to start: ${error instanceof Error ? error.message : String(error)}`;
  process.stderr.write(`flowline-api: ${message}\n`);
  process.exit(1);
});
