import './tracing';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { ConfigValidationError, loadConfigFromEnvironment } from '@app/config';
import { armExitWatchdog } from './exit-watchdog';
import { WorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  const config = loadConfigFromEnvironment();
  // An application context: no HTTP API of its own.
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  // Written straight to stderr (a pipe write is synchronous): the process exits right after it.
  armExitWatchdog(config.worker.shutdownGraceMs, (message) => process.stderr.write(`flowline-worker: ${message}\n`));
  await app.init();
}

bootstrap().catch((error: unknown) => {
  const message =
    error instanceof ConfigValidationError ? error.message : `failed to start: ${error instanceof Error ? error.message : String(error)}`;
  process.stderr.write(`flowline-worker: ${message}\n`);
  process.exit(1);
});
