import { Context, context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';

/**
 * The W3C trace context of the span that enqueued a job, carried in the job's data so that the worker's spans
 * continue the same trace. Optional: absent when tracing is off, and in jobs an older api enqueued.
 */
export interface JobTraceContext {
  traceparent: string;
  tracestate?: string;
}

const MAX_HEADER_LENGTH = 512;

function isHeaderValue(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_HEADER_LENGTH;
}

/** The context `from` as job data, or undefined when it holds no sampled-or-not span (tracing off, or no span). */
export function jobTraceContextOf(from: Context = context.active()): JobTraceContext | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(from, carrier);
  if (!isHeaderValue(carrier.traceparent)) return undefined;
  return isHeaderValue(carrier.tracestate)
    ? { traceparent: carrier.traceparent, tracestate: carrier.tracestate }
    : { traceparent: carrier.traceparent };
}

/** The parent context a job's data names; the root context when it names none or something malformed. */
export function contextOfJob(traceContext: unknown): Context {
  if (traceContext === null || typeof traceContext !== 'object') return ROOT_CONTEXT;
  const { traceparent, tracestate } = traceContext as Record<string, unknown>;
  if (!isHeaderValue(traceparent)) return ROOT_CONTEXT;
  const carrier: Record<string, string> = { traceparent };
  if (isHeaderValue(tracestate)) carrier.tracestate = tracestate;
  return propagation.extract(ROOT_CONTEXT, carrier);
}
