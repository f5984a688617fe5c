import { Attributes, Context, context, Link, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

/** Flowline's own span attributes: ids, places and outcomes, never data (README "Traces (OpenTelemetry)"). */
export const RunAttribute = {
  executionId: 'flowline.execution.id',
  workflowId: 'flowline.workflow.id',
  ownerId: 'flowline.owner.id',
  region: 'flowline.region',
  tier: 'flowline.tier',
  trigger: 'flowline.trigger',
  admission: 'flowline.admission.decision',
  status: 'flowline.execution.status',
  workerId: 'flowline.worker.id',
  delivery: 'flowline.delivery',
  stepIndex: 'flowline.step.index',
  stepType: 'flowline.step.type',
  stepStatus: 'flowline.step.status',
  stepAttempts: 'flowline.step.attempts',
  batchSize: 'flowline.batch.size',
} as const;

/** The attributes of a message on a region queue (OpenTelemetry's messaging conventions). */
export function queueMessageAttributes(queue: string, executionId: string, operation: 'send' | 'process'): Attributes {
  return {
    'messaging.system': 'bullmq',
    'messaging.destination.name': queue,
    'messaging.operation.type': operation,
    'messaging.message.id': executionId,
    [RunAttribute.executionId]: executionId,
  };
}

export interface FlowlineSpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** Default: the active context. */
  parent?: Context;
  /** Starts a new trace (links may still point at the context it came from). */
  root?: boolean;
  links?: Link[];
}

// The global tracer: a no-op until the SDK registers a provider, and nothing but that when tracing is off.
const tracer = trace.getTracer('flowline');

/** A domain error's stable code, else the error's class: never its message (it may quote values). */
function errorType(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.length <= 64) return code;
  return error instanceof Error ? error.constructor.name : 'unknown';
}

/** Runs `work` inside a new span, ended when `work` settles; a rejection marks the span as an error, by type. */
export async function inSpan<T>(name: string, options: FlowlineSpanOptions, work: (span: Span) => Promise<T>): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer.startSpan(
    name,
    { kind: options.kind, attributes: options.attributes, root: options.root, links: options.links },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.setAttribute('error.type', errorType(error));
    throw error;
  } finally {
    span.end();
  }
}

/** A link to the active span, for work that starts a trace of its own because of it. */
export function linksToActiveSpan(): Link[] {
  const active = trace.getSpan(context.active());
  return active && active.isRecording() ? [{ context: active.spanContext() }] : [];
}
