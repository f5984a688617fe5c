import { readEnvironment, tracingSettingsFrom } from '@app/config';

interface StartedSdk {
  shutdown(): Promise<void>;
}

let started: StartedSdk | null = null;

/**
 * Starts OpenTelemetry when OTEL_EXPORTER_OTLP_ENDPOINT is set; otherwise loads nothing of the SDK. It must run before
 * http, pg, ioredis, fastify and undici are first required (instrumentations patch modules as they load), so each app
 * imports the file that calls it before anything else.
 */
export function startTracing(defaultServiceName: string): boolean {
  const settings = tracingSettingsFrom(readEnvironment());
  if (!settings) return false;
  // Synchronous on purpose: a static import would load the SDK with tracing off, and an import() would resolve only
  // after the app's other imports, too late to patch them.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startTracingSdk } = require('./tracing-sdk') as typeof import('./tracing-sdk');
  started = startTracingSdk(settings, defaultServiceName);
  return true;
}

/** Exports the spans still buffered and stops the SDK (nothing to do when tracing is off). */
export async function shutdownTracing(): Promise<void> {
  const sdk = started;
  started = null;
  await sdk?.shutdown().catch(() => undefined);
}
