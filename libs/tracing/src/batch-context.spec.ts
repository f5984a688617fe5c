import { trace } from '@opentelemetry/api';
import { inBatchContext, submittingContext } from './batch-context';
import { inSpan } from './flowline-spans';
import { recordSpans } from './tracing.testing';

describe('inBatchContext', () => {
  let recording: ReturnType<typeof recordSpans>;
  // Once per file: the tracer Flowline's helpers hold belongs to the first provider registered.
  beforeAll(() => (recording = recordSpans()));
  afterEach(() => recording.exporter.reset());
  afterAll(() => recording.stop());

  const statementInBatch = (contexts: ReturnType<typeof submittingContext>[]) =>
    inBatchContext('admit executions', contexts, async () => inSpan('statement', {}, async () => undefined));

  it('a batch of one runs in its caller context: the statement is a child of the caller span', async () => {
    await inSpan('admit run', {}, async () => statementInBatch([submittingContext()]));
    const [statement, admit] = recording.exporter.getFinishedSpans();
    expect(statement.parentSpanContext?.spanId).toBe(admit.spanContext().spanId);
  });

  it('a shared batch gets a root span of its own, linked both ways with each caller span, in no caller trace', async () => {
    const callers: ReturnType<typeof submittingContext>[] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const runs = [1, 2, 3].map((n) =>
      inSpan(`admit run ${n}`, {}, async () => {
        callers.push(submittingContext());
        await held;
      }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    await statementInBatch(callers);
    release();
    await Promise.all(runs);

    const spans = recording.exporter.getFinishedSpans();
    const batch = spans.find((span) => span.name === 'admit executions batch')!;
    const statement = spans.find((span) => span.name === 'statement')!;
    const admits = spans.filter((span) => span.name.startsWith('admit run'));
    expect(batch.parentSpanContext).toBeUndefined();
    expect(batch.attributes['flowline.batch.size']).toBe(3);
    expect(statement.parentSpanContext?.spanId).toBe(batch.spanContext().spanId);
    expect(new Set(admits.map((span) => span.spanContext().traceId)).has(batch.spanContext().traceId)).toBe(false);
    expect(batch.links.map((link) => link.context.spanId).sort()).toEqual(admits.map((span) => span.spanContext().spanId).sort());
    for (const admit of admits) expect(admit.links.map((link) => link.context.spanId)).toEqual([batch.spanContext().spanId]);
  });

  it('callers outside any span (tracing off, a background task): the batch runs with no span at all', async () => {
    await statementInBatch([submittingContext(), submittingContext()]);
    const [statement] = recording.exporter.getFinishedSpans();
    expect(statement.parentSpanContext).toBeUndefined();
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});
