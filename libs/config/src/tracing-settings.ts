import type { OtlpProtocol, TracingConfig } from './app-config';
import { EnvReader, RawEnv } from './env-reader';

export const OTLP_PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json', 'grpc'];
/** The batch span processor's settings: the SDK reads them itself; here they are only checked. */
const BATCH_PROCESSOR_SETTINGS = [
  'OTEL_BSP_SCHEDULE_DELAY',
  'OTEL_BSP_EXPORT_TIMEOUT',
  'OTEL_BSP_MAX_QUEUE_SIZE',
  'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
];

/**
 * OpenTelemetry's standard variables. Tracing is on when an OTLP endpoint is set (the general one or the traces
 * one), unless OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none say otherwise. Values are never echoed: an
 * endpoint may carry credentials.
 */
export function parseTracing(reader: EnvReader): TracingConfig | null {
  for (const name of BATCH_PROCESSOR_SETTINGS) reader.int(name, 0, 0, 86_400_000);
  const protocolSetting = reader.raw('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL')
    ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'
    : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const protocol = reader.oneOf(protocolSetting, OTLP_PROTOCOLS, 'http/protobuf');
  const endpointSetting = reader.raw('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT')
    ? 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'
    : 'OTEL_EXPORTER_OTLP_ENDPOINT';
  if (!reader.raw(endpointSetting)) return null;
  const endpoint = reader.url(endpointSetting, '', ['http:', 'https:']);
  if (reader.bool('OTEL_SDK_DISABLED', false) || reader.list('OTEL_TRACES_EXPORTER').includes('none')) return null;
  return { endpoint, protocol, serviceName: reader.optionalString('OTEL_SERVICE_NAME') };
}

/**
 * For the tracing bootstrap, which runs before anything else is loaded: the tracing settings, or null when
 * tracing is off or a setting is malformed (the config load that follows names the problem and stops the process).
 * The SDK reads OTEL_* from process.env itself, so those that come from the env file are copied there.
 */
export function tracingSettingsFrom(env: RawEnv): TracingConfig | null {
  const reader = new EnvReader(env);
  const tracing = parseTracing(reader);
  if (!tracing || reader.errors.length > 0) return null;
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith('OTEL_') && process.env[name] === undefined) process.env[name] = value;
  }
  return tracing;
}
