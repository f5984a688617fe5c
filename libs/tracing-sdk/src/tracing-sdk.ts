import type { IncomingMessage } from 'node:http';
import { FastifyOtelInstrumentation } from '@fastify/otel';
import { OTLPTraceExporter as OtlpGrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as OtlpJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { core, NodeSDK } from '@opentelemetry/sdk-node';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type { OtlpProtocol, TracingConfig } from '@app/config';
import { RedactingSpanExporter } from './redacting-span-exporter';

/** Probes and scrapes: a span each would bury the runs. */
const UNTRACED_PATHS = /^\/(health|metrics)(\/|\?|$)/;

/** Each exporter reads the endpoint, headers, timeout and compression from OTEL_EXPORTER_OTLP_* itself. */
function otlpExporter(protocol: OtlpProtocol): SpanExporter {
  switch (protocol) {
    case 'http/json':
      return new OtlpJsonTraceExporter();
    case 'grpc':
      return new OtlpGrpcTraceExporter();
    default:
      return new OtlpProtobufTraceExporter();
  }
}

/**
 * The SDK, with the instrumentations Flowline needs, each set so that it records no values: pg without parameter
 * values, ioredis with the command name alone (its arguments are job data), http and undici without headers. pg and
 * ioredis spans only inside a trace: the queue's polling would otherwise make a trace per command. The batch span
 * processor reads OTEL_BSP_* itself. Only W3C trace context is propagated: a caller's baggage is not handed on to
 * the servers an http step calls.
 */
export function startTracingSdk(settings: TracingConfig, defaultServiceName: string): NodeSDK {
  const sdk = new NodeSDK({
    serviceName: settings.serviceName ?? defaultServiceName,
    traceExporter: new RedactingSpanExporter(otlpExporter(settings.protocol)),
    textMapPropagator: new core.W3CTraceContextPropagator(),
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request: IncomingMessage) => UNTRACED_PATHS.test(request.url ?? '') }),
      new FastifyOtelInstrumentation({
        registerOnInitialization: true,
        instrumentHooks: false,
        ignorePaths: (route) => UNTRACED_PATHS.test(route.url),
      }),
      new PgInstrumentation({ enhancedDatabaseReporting: false, requireParentSpan: true, ignoreConnectSpans: true }),
      new IORedisInstrumentation({ requireParentSpan: true, dbStatementSerializer: (command) => command }),
      new UndiciInstrumentation(),
    ],
  });
  sdk.start();
  return sdk;
}
