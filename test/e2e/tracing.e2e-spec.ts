import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpClient } from '../support/http-client';
import { OtlpReceiver, OtlpSpanKind, ReceivedSpan } from '../support/otlp-receiver';
import { eventually } from '../support/polling';
import { TargetServer } from '../support/target-server';
import { startStack, TestStack } from '../support/test-api';
import { registerUser, TestUser } from '../support/users';

const ROOT = join(__dirname, '..', '..');
const QUEUE = 'us-east-1-default';

/** A run's trace as received: its spans, and lookups along the parent links. */
class ReceivedTrace {
  private readonly byId: Map<string, ReceivedSpan>;

  constructor(readonly spans: ReceivedSpan[]) {
    this.byId = new Map(spans.map((span) => [span.spanId, span]));
  }

  /** The one span matching; fails naming what the trace holds when there are none or several. */
  one(name: string | RegExp, kind?: number): ReceivedSpan {
    const found = this.spans.filter(
      (span) => (typeof name === 'string' ? span.name === name : name.test(span.name)) && (kind === undefined || span.kind === kind),
    );
    if (found.length !== 1)
      throw new Error(
        `expected one span ${name} (kind ${kind}), found ${found.length} in: ${this.spans.map((s) => `${s.service}:${s.name}`).join(', ')}`,
      );
    return found[0];
  }

  parentOf(span: ReceivedSpan): ReceivedSpan | undefined {
    return span.parentSpanId ? this.byId.get(span.parentSpanId) : undefined;
  }

  /** The names of the spans from `span` up to the root. */
  pathToRoot(span: ReceivedSpan): string[] {
    const path: string[] = [];
    for (let current: ReceivedSpan | undefined = span; current; current = this.parentOf(current))
      path.push(`${current.service}:${current.name}`);
    return path;
  }
}

describe('traces (OpenTelemetry): one run is one trace, and no data leaves in it', () => {
  const canaries = {
    input: `input-canary-${randomBytes(12).toString('hex')}`,
    output: `output-canary-${randomBytes(12).toString('hex')}`,
    credential: `credential-canary-${randomBytes(12).toString('hex')}`,
    query: `query-canary-${randomBytes(12).toString('hex')}`,
  };
  let receiver: OtlpReceiver;
  let target: TargetServer;
  let stack: TestStack;
  let http: HttpClient;
  let user: TestUser;
  let credentialId: string;

  const echo = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-echo': canaries.output });
      res.end(JSON.stringify({ secret: canaries.output, received: Buffer.concat(chunks).toString('utf8') }));
    });
  };

  const steps = () => [
    {
      id: 'call',
      type: 'http',
      params: { method: 'POST', url: target.url(`/echo?api_key=${canaries.query}`), credentialId, body: { note: '{{ input.secret }}' } },
    },
    { id: 'shape', type: 'transform', params: { expression: '{"got": steps.call.output.body.secret, "sent": $$.input.secret}' } },
    { id: 'pause', type: 'delay', params: { ms: 10 } },
  ];

  /**
   * The trace of `executionId`'s admission, once both sides have sent all of theirs: the api's admit span and the
   * worker's process span (each names the run), the finish in the worker's trace and the request's root span in the
   * api's. Whether those are one trace is for the test to say.
   */
  const traceOf = async (executionId: string): Promise<ReceivedTrace> => {
    const naming = (name: string) =>
      receiver.spans.find((span) => span.name === name && span.attributes['flowline.execution.id'] === executionId);
    const [admit, process] = await eventually(
      async () => [naming('admit run'), naming(`process ${QUEUE}`)],
      (found) => found.every(Boolean),
    );
    await eventually(
      async () => receiver.spans,
      (spans) =>
        spans.some((span) => span.name === 'finish execution' && span.traceId === process!.traceId) &&
        spans.some((span) => span.traceId === admit!.traceId && span.kind === OtlpSpanKind.SERVER && !span.parentSpanId),
    );
    return new ReceivedTrace(receiver.spans.filter((span) => span.traceId === admit!.traceId));
  };

  beforeAll(async () => {
    receiver = await new OtlpReceiver().start();
    target = await new TargetServer().route('/echo', echo).start();
    const otel = {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    };
    stack = await startStack({ ...otel, HTTP_STEP_ALLOW_PRIVATE: 'true' }, { workers: [{ WORKER_REGION: 'us-east-1' }] });
    http = new HttpClient(stack.api.url);
    user = await registerUser(http, 'tracing');
    const credential = await http.post(
      '/credentials',
      { name: 'canary', type: 'bearer', data: { token: canaries.credential } },
      { token: user.token },
    );
    expect(credential.status).toBe(201);
    credentialId = credential.body.id;
  });

  afterAll(async () => {
    await stack?.close();
    await target?.stop();
    await receiver?.stop();
  });

  it('POST /run: api request → admission → enqueue → worker process → claim, each step (with its http call) and finish, in one tree', async () => {
    const workflow = await http.post('/workflows', { name: 'traced', steps: steps() }, { token: user.token });
    expect(workflow.status).toBe(201);
    const run = await http.post(
      '/run',
      { workflowId: workflow.body.id, input: { secret: canaries.input }, waitMs: 30000 },
      { token: user.token },
    );
    expect(run.status).toBe(200);
    expect(run.body.status).toBe('succeeded');
    const executionId: string = run.body.id;

    const trace = await traceOf(executionId);
    // Every span that names the run is in this one trace.
    const naming = receiver.spans.filter((span) => span.attributes['flowline.execution.id'] === executionId);
    expect(new Set(naming.map((span) => span.traceId))).toEqual(new Set([trace.spans[0].traceId]));

    const roots = trace.spans.filter((span) => !span.parentSpanId);
    expect(roots.map((span) => `${span.service}:${span.kind}`)).toEqual([`flowline-api:${OtlpSpanKind.SERVER}`]);
    const request = roots[0];
    expect(request.attributes['http.method'] ?? request.attributes['http.request.method']).toBe('POST');
    // No span points at a parent that is not in the trace.
    for (const span of trace.spans) if (span !== request) expect(trace.parentOf(span)).toBeDefined();

    const admit = trace.one('admit run');
    expect(admit.service).toBe('flowline-api');
    expect(trace.pathToRoot(admit).at(-1)).toBe(`flowline-api:${request.name}`);
    expect(admit.attributes).toMatchObject({
      'flowline.workflow.id': workflow.body.id,
      'flowline.owner.id': user.id,
      'flowline.tier': 'free',
      'flowline.trigger': 'manual',
      'flowline.region': 'us-east-1',
      'flowline.admission.decision': 'queued',
    });

    const send = trace.one(`send ${QUEUE}`, OtlpSpanKind.PRODUCER);
    expect(trace.parentOf(send)).toBe(admit);
    const process = trace.one(`process ${QUEUE}`, OtlpSpanKind.CONSUMER);
    expect(process.service).toBe('flowline-worker');
    expect(trace.parentOf(process)).toBe(send);
    expect(process.attributes).toMatchObject({
      'flowline.execution.status': 'succeeded',
      'flowline.delivery': 1,
      'flowline.owner.id': user.id,
    });
    expect(trace.parentOf(trace.one('claim execution'))).toBe(process);
    expect(trace.parentOf(trace.one('finish execution'))).toBe(process);

    const stepSpans = trace.spans
      .filter((span) => span.name.startsWith('step '))
      .sort((a, b) => Number(a.attributes['flowline.step.index']) - Number(b.attributes['flowline.step.index']));
    expect(stepSpans.map((span) => [span.name, span.attributes['flowline.step.index'], span.attributes['flowline.step.status']])).toEqual([
      ['step http', 0, 'succeeded'],
      ['step transform', 1, 'succeeded'],
      ['step delay', 2, 'succeeded'],
    ]);
    for (const step of stepSpans) expect(trace.parentOf(step)).toBe(process);

    // The http step's call is a client span under its step, and the target got its W3C context.
    const call = trace.one(/^POST/, OtlpSpanKind.CLIENT);
    expect(call.service).toBe('flowline-worker');
    expect(trace.parentOf(call)).toBe(stepSpans[0]);
    const hit = target.hits.find((h) => h.url.startsWith('/echo'));
    expect(hit?.headers.traceparent).toBe(`00-${call.traceId}-${call.spanId}-01`);
  });

  it('a webhook run is one trace from the hook request to the finish', async () => {
    const workflow = await http.post('/workflows', { name: 'hooked', steps: steps(), trigger: { type: 'webhook' } }, { token: user.token });
    expect(workflow.status).toBe(201);
    const accepted = await http.post(
      `/hooks/${workflow.body.id}`,
      { secret: canaries.input },
      { headers: { 'x-webhook-token': workflow.body.webhook.token } },
    );
    expect(accepted.status).toBe(202);
    const trace = await traceOf(accepted.body.executionId);
    const naming = receiver.spans.filter((span) => span.attributes['flowline.execution.id'] === accepted.body.executionId);
    expect(new Set(naming.map((span) => span.traceId))).toEqual(new Set([trace.spans[0].traceId]));
    const process = trace.one(`process ${QUEUE}`, OtlpSpanKind.CONSUMER);
    const path = trace.pathToRoot(trace.parentOf(trace.one('finish execution'))!);
    expect(path[0]).toBe(`flowline-worker:${process.name}`);
    expect(path.at(-1)).toMatch(/^flowline-api:POST/);
    expect(trace.one('admit run').attributes['flowline.trigger']).toBe('webhook');
    expect(receiver.payloadText).not.toContain(workflow.body.webhook.token);
  });

  it('nothing exported holds the input, the output, the credential, a query string secret or the caller token', async () => {
    expect(receiver.spans.length).toBeGreaterThan(0);
    const exported = receiver.payloadText;
    // The search can find what is there: ids are exported.
    expect(exported).toContain(user.id);
    for (const [name, canary] of Object.entries({ ...canaries, bearer: user.token })) {
      expect({ name, found: exported.includes(canary) }).toEqual({ name, found: false });
    }
  });
});

describe('traces off: without OTEL_EXPORTER_OTLP_ENDPOINT the SDK is never loaded; with it, it loads before what it patches', () => {
  /** The packages a built app requires up to the end of its config check (every static import is loaded by then). */
  const loadsOf = async (app: 'api' | 'worker', env: Record<string, string>): Promise<string[]> => {
    const file = join(mkdtempSync(join(tmpdir(), 'flowline-loads-')), 'loads.json');
    const child = spawn(
      process.execPath,
      ['-r', join(ROOT, 'test/support/record-module-loads.cjs'), join(ROOT, 'dist/apps', app, 'main.js')],
      {
        cwd: ROOT,
        // No JWT_SECRET: the process stops at its config check, after loading everything it imports.
        env: { PATH: process.env.PATH, ENV_FILE: 'none', MODULE_LOADS_FILE: file, ...env },
        stdio: 'ignore',
      },
    );
    await new Promise((resolve) => child.on('exit', resolve));
    return JSON.parse(readFileSync(file, 'utf8')) as string[];
  };
  const sdkPackages = (loads: string[]) =>
    loads.filter((name) => /^@opentelemetry\/(sdk|instrumentation|exporter)|^@fastify\/otel/.test(name));

  it.each(['api', 'worker'] as const)('%s', async (app) => {
    const off = await loadsOf(app, {});
    expect(off).toContain('pg');
    expect(sdkPackages(off)).toEqual([]);

    const on = await loadsOf(app, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });
    const sdkAt = on.indexOf('@opentelemetry/sdk-node');
    expect(sdkAt).toBeGreaterThanOrEqual(0);
    for (const patched of ['pg', 'ioredis', 'undici', ...(app === 'api' ? ['fastify'] : [])]) {
      expect({ patched, loadedAfterSdk: on.indexOf(patched) > sdkAt }).toEqual({ patched, loadedAfterSdk: true });
    }
  });
});
