import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { exportableAttributes, exportableEventAttributes } from './exportable-attributes';

/** A span as it leaves the process: filtered attributes, events without messages, a status without its message, bare links. */
export function exportableSpan(span: ReadableSpan): ReadableSpan {
  return {
    name: span.name,
    kind: span.kind,
    spanContext: () => span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    status: { code: span.status.code },
    attributes: exportableAttributes(span.attributes, span.kind),
    links: span.links.map((link) => ({ context: link.context })),
    events: span.events.map((event) => ({ ...event, attributes: exportableEventAttributes(event.attributes) })),
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}

/**
 * Wraps the OTLP exporter: every span passes through exportableSpan, whatever instrumentation made it, so one
 * place decides what leaves the process.
 */
export class RedactingSpanExporter implements SpanExporter {
  constructor(private readonly exporter: SpanExporter) {}

  export(spans: ReadableSpan[], resultCallback: Parameters<SpanExporter['export']>[1]): void {
    this.exporter.export(spans.map(exportableSpan), resultCallback);
  }

  shutdown(): Promise<void> {
    return this.exporter.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.exporter.forceFlush?.() ?? Promise.resolve();
  }
}
