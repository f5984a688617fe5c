import './tracing';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import cluster from 'node:cluster';
import { networkInterfaces } from 'node:os';
import { ConfigValidationError, loadConfigFromEnvironment } from '@app/config';
import { superviseApiProcesses } from './api-cluster';
import { createApiApp } from './create-api-app';

/**
 * Every interface, as Node listens by default (Fastify's default is localhost only): dual-stack where the
 * host has IPv6, IPv4 alone where IPv6 is switched off (no ::1 on any interface; binding :: would fail).
 */
function allInterfaces(): string {
  const hasIpv6 = Object.values(networkInterfaces()).some((addresses) => addresses?.some((address) => address.family === 'IPv6'));
  return hasIpv6 ? '::' : '0.0.0.0';
}

async function bootstrap(): Promise<void> {
  const config = loadConfigFromEnvironment();
  if (config.apiProcesses > 1 && cluster.isPrimary) return superviseApiProcesses(config);
  const app = await createApiApp(config);
  await app.listen(config.port, allInterfaces());
  new Logger('Bootstrap').log(`Flowline api listening on ${config.publicUrl} (Swagger UI at ${config.publicUrl}/docs)`);
}

bootstrap().catch((error: unknown) => {
  // Config errors name the settings, never their values.
  const message =
    error instanceof ConfigValidationError ? error.message : `failed to start: ${error instanceof Error ? error.message : String(error)}`;
  process.stderr.write(`flowline-api: ${message}\n`);
  process.exit(1);
});
