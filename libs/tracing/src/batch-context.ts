import { Context, context, ROOT_CONTEXT, Span, trace } from '@opentelemetry/api';
import { inSpan, RunAttribute } from './flowline-spans';

/** The context a caller submits its item in (for inBatchContext). */
export function submittingContext(): Context {
  return context.active();
}

/**
 * Where a group-commit batch's statement runs. Alone, it belongs to its one item: it runs in that item's context, so
 * its SQL or Redis span is a child of the item's span. Shared by several runs, it belongs to no single trace: it runs
 * in a span of its own, a root linked to each item's span, and each item's span is linked back to it.
 */
export function inBatchContext<T>(name: string, submitted: readonly Context[], work: () => Promise<T>): Promise<T> {
  if (submitted.length === 1) return context.with(submitted[0], work);
  const items = submitted.map((item) => trace.getSpan(item)).filter((span): span is Span => span !== undefined && span.isRecording());
  if (items.length === 0) return context.with(ROOT_CONTEXT, work);
  return inSpan(
    `${name} batch`,
    {
      parent: ROOT_CONTEXT,
      root: true,
      links: items.map((span) => ({ context: span.spanContext() })),
      attributes: { [RunAttribute.batchSize]: submitted.length },
    },
    async (batch) => {
      for (const span of items) span.addLink({ context: batch.spanContext() });
      return work();
    },
  );
}
