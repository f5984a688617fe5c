import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { contextOfJob, jobTraceContextOf } from './job-trace-context';
import { inSpan } from './flowline-spans';
import { recordSpans } from './tracing.testing';

describe('trace context in job data', () => {
  it('is absent while tracing is off (no provider, no propagator): job data stays as it was', async () => {
    await inSpan('off', {}, async () => expect(jobTraceContextOf()).toBeUndefined());
    expect(trace.getSpan(contextOfJob({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }))).toBeUndefined();
  });

  describe('with tracing on', () => {
    let recording: ReturnType<typeof recordSpans>;
    // Once per file: the tracer Flowline's helpers hold belongs to the first provider registered.
    beforeAll(() => (recording = recordSpans()));
    afterEach(() => recording.exporter.reset());
    afterAll(() => recording.stop());

    it('carries the active span as W3C traceparent, and the worker side continues that trace under that span', async () => {
      let carried: ReturnType<typeof jobTraceContextOf>;
      let enqueuer = '';
      await inSpan('send', {}, async (span) => {
        enqueuer = span.spanContext().spanId;
        carried = jobTraceContextOf();
      });
      expect(carried).toEqual({ traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/) });
      // Through JSON, as BullMQ stores it in Redis or PostgreSQL.
      const data = JSON.parse(JSON.stringify({ executionId: 'e1', traceContext: carried }));
      await inSpan('process', { parent: contextOfJob(data.traceContext) }, async () => undefined);
      const [send, process] = recording.exporter.getFinishedSpans();
      expect(process.spanContext().traceId).toBe(send.spanContext().traceId);
      expect(process.parentSpanContext?.spanId).toBe(enqueuer);
    });

    it('a job without one (an older api, tracing off at the api) or with garbage starts a trace of its own', async () => {
      for (const traceContext of [
        undefined,
        null,
        'x',
        { traceparent: 42 },
        { traceparent: 'not-a-traceparent' },
        { traceparent: 'x'.repeat(600) },
      ]) {
        const parent = contextOfJob(traceContext);
        expect(trace.getSpan(parent)).toBeUndefined();
        await inSpan('process', { parent }, async () => undefined);
      }
      expect(recording.exporter.getFinishedSpans().every((span) => span.parentSpanContext === undefined)).toBe(true);
    });

    it('is absent outside any span', () => {
      expect(context.with(ROOT_CONTEXT, () => jobTraceContextOf())).toBeUndefined();
    });
  });
});
