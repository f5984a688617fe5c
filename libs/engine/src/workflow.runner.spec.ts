import { RunOptions, StepDefinition, StepResult } from './engine.types';
import { LocalHttpServer, sendJson, startCanary, startLocalServer } from './local-http-server.testing';
import { runWorkflow } from './workflow.runner';

const local = { allowPrivate: true };

function options(extra: Partial<RunOptions> = {}): RunOptions {
  return { input: {}, timeoutMs: 10_000, http: local, ...extra };
}

function http(id: string, url: string, extra: Partial<StepDefinition> = {}, params: Record<string, unknown> = {}): StepDefinition {
  return { id, type: 'http', params: { method: 'GET', url, ...params }, ...extra };
}

describe('runWorkflow', () => {
  let server: LocalHttpServer;
  const flaky = new Map<string, number>();

  beforeAll(async () => {
    server = await startLocalServer((request, response) => {
      const url = new URL(request.url, 'http://x');
      if (url.pathname === '/items')
        return sendJson(response, 200, {
          items: [
            { name: 'a', price: 5 },
            { name: 'b', price: 15 },
          ],
        });
      if (url.pathname === '/flaky') {
        const key = url.searchParams.get('key') ?? '';
        const seen = (flaky.get(key) ?? 0) + 1;
        flaky.set(key, seen);
        return seen <= 2 ? sendJson(response, 503, { error: 'busy' }) : sendJson(response, 200, { try: seen });
      }
      if (url.pathname === '/missing') return sendJson(response, 404, { error: 'nope' });
      if (url.pathname === '/slow') {
        const timer = setTimeout(() => sendJson(response, 200, { late: true }), 3000);
        response.on('close', () => clearTimeout(timer));
        return;
      }
      sendJson(response, 200, { method: request.method, path: request.url, headers: request.headers, body: request.body });
    });
  });

  afterAll(() => server.close());

  it('chains http, transform and condition steps through their outputs', async () => {
    const finished: StepResult[] = [];
    const result = await runWorkflow(
      [
        http('fetch', `${server.origin}/items`),
        { id: 'cheap', type: 'transform', params: { expression: 'steps.fetch.output.body.items[price < $$.input.limit].name' } },
        { id: 'any', type: 'condition', params: { expression: '$count(steps.cheap.output) > 0' } },
      ],
      options({ input: { limit: 10 }, onStepFinished: async (step) => void finished.push(step) }),
    );
    expect(result).toMatchObject({ status: 'succeeded', error: null, output: true });
    expect(result.steps.map((step) => [step.id, step.status, step.attempts])).toEqual([
      ['fetch', 'succeeded', 1],
      ['cheap', 'succeeded', 1],
      ['any', 'succeeded', 1],
    ]);
    expect(result.steps[0].output).toMatchObject({ status: 200, body: { items: [{ name: 'a' }, { name: 'b' }] } });
    expect(result.steps[1].output).toBe('a');
    expect(result.steps[0].startedAt).toBeInstanceOf(Date);
    expect(result.steps[0].durationMs).toEqual(expect.any(Number));
    expect(finished.map((step) => step.id)).toEqual(['fetch', 'cheap', 'any']);
  });

  it('retries 5xx with backoff until it succeeds', async () => {
    const result = await runWorkflow(
      [http('call', `${server.origin}/flaky?key=retry`, { retry: { attempts: 3, backoffMs: 10 } })],
      options(),
    );
    expect(result.status).toBe('succeeded');
    expect(result.steps[0]).toMatchObject({ status: 'succeeded', attempts: 3, output: { status: 200, body: { try: 3 } } });
  });

  it('gives up after the last attempt on 5xx', async () => {
    const result = await runWorkflow(
      [http('call', `${server.origin}/flaky?key=giveup`, { retry: { attempts: 2, backoffMs: 0 } })],
      options(),
    );
    expect(result).toMatchObject({ status: 'failed', error: 'Step "call" failed: HTTP 503 Service Unavailable' });
    expect(result.steps[0].attempts).toBe(2);
  });

  it('does not retry a 4xx', async () => {
    const result = await runWorkflow(
      [http('call', `${server.origin}/missing`, { retry: { attempts: 3, backoffMs: 0 } }), http('after', `${server.origin}/items`)],
      options(),
    );
    expect(result).toMatchObject({ status: 'failed', error: 'Step "call" failed: HTTP 404 Not Found', output: null });
    expect(result.steps[0]).toMatchObject({ status: 'failed', attempts: 1, error: 'HTTP 404 Not Found' });
    expect(result.steps[1]).toMatchObject({ status: 'skipped', attempts: 0, startedAt: null });
  });

  it('times out a slow attempt within a second', async () => {
    const started = Date.now();
    const result = await runWorkflow([http('slow', `${server.origin}/slow`, { timeoutMs: 200 })], options());
    expect(Date.now() - started).toBeLessThan(1000);
    expect(result.status).toBe('failed');
    expect(result.steps[0].error).toBe('Step timed out after 200 ms');
    expect(result.error).toMatch(/^Step "slow" failed: .*timed out/);
  });

  it('stops after a false condition and reports success', async () => {
    const before = server.requests.length;
    const result = await runWorkflow(
      [{ id: 'gate', type: 'condition', params: { expression: 'input.go' } }, http('never', `${server.origin}/items`)],
      options({ input: { go: false } }),
    );
    expect(result).toMatchObject({ status: 'succeeded', output: false, error: null });
    expect(result.steps.map((step) => step.status)).toEqual(['succeeded', 'skipped']);
    expect(server.requests.length).toBe(before);
  });

  it('cancels a delay in flight and skips the rest', async () => {
    const controller = new AbortController();
    const finished: string[] = [];
    const before = server.requests.length;
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const result = await runWorkflow(
      [
        { id: 'first', type: 'transform', params: { expression: '1' } },
        { id: 'wait', type: 'delay', params: { ms: 5000 } },
        http('after', `${server.origin}/items`),
      ],
      options({ signal: controller.signal, onStepFinished: async (step) => void finished.push(`${step.id}:${step.status}`) }),
    );
    expect(Date.now() - started).toBeLessThan(1000);
    expect(result).toMatchObject({ status: 'cancelled', error: 'Execution cancelled', output: null });
    expect(result.steps.map((step) => step.status)).toEqual(['succeeded', 'cancelled', 'skipped']);
    expect(finished).toEqual(['first:succeeded', 'wait:cancelled']);
    expect(server.requests.length).toBe(before);
  });

  it('aborts an http call in flight on cancel', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const result = await runWorkflow([http('slow', `${server.origin}/slow`)], options({ signal: controller.signal }));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(result.status).toBe('cancelled');
    expect(result.steps[0].status).toBe('cancelled');
  });

  it('runs nothing when cancelled before the start', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await runWorkflow([{ id: 'a', type: 'delay', params: { ms: 0 } }], options({ signal: controller.signal }));
    expect(result).toMatchObject({ status: 'cancelled', steps: [{ id: 'a', status: 'skipped' }] });
  });

  it('resumes after completed steps without running them again', async () => {
    const completed: StepResult[] = [
      {
        id: 'fetch',
        status: 'succeeded',
        output: { status: 200, body: { name: 'stored' } },
        error: null,
        startedAt: new Date(),
        durationMs: 5,
        attempts: 1,
      },
      {
        id: 'echo',
        status: 'failed',
        output: null,
        error: 'HTTP 503 Service Unavailable',
        startedAt: new Date(),
        durationMs: 5,
        attempts: 1,
      },
    ];
    const finished: string[] = [];
    const before = server.requests.filter((request) => request.url === '/items').length;
    const result = await runWorkflow(
      [http('fetch', `${server.origin}/items`), http('echo', `${server.origin}/echo?name={{ steps.fetch.output.body.name }}`)],
      {
        ...options(),
        completed,
        onStepFinished: async (step) => void finished.push(step.id),
      },
    );
    expect(result.status).toBe('succeeded');
    expect(result.steps[0]).toBe(completed[0]);
    expect(result.steps[1].output).toMatchObject({ body: { path: '/echo?name=stored' } });
    expect(server.requests.filter((request) => request.url === '/items').length).toBe(before);
    expect(finished).toEqual(['echo']);
  });

  it('keeps a resumed run stopped when a completed condition was false', async () => {
    const completed: StepResult[] = [
      { id: 'gate', status: 'succeeded', output: false, error: null, startedAt: new Date(), durationMs: 1, attempts: 1 },
    ];
    const result = await runWorkflow(
      [
        { id: 'gate', type: 'condition', params: { expression: 'true' } },
        { id: 'next', type: 'delay', params: { ms: 0 } },
      ],
      { ...options(), completed },
    );
    expect(result).toMatchObject({ status: 'succeeded', output: false, steps: [{ status: 'succeeded' }, { status: 'skipped' }] });
  });

  it('fails the run at the overall timeout', async () => {
    const started = Date.now();
    const result = await runWorkflow(
      [
        { id: 'wait', type: 'delay', params: { ms: 5000 } },
        { id: 'after', type: 'delay', params: { ms: 0 } },
      ],
      options({ timeoutMs: 300 }),
    );
    expect(Date.now() - started).toBeLessThan(1500);
    expect(result).toMatchObject({ status: 'failed', error: 'Execution timed out after 300 ms' });
    expect(result.steps.map((step) => [step.status, step.error])).toEqual([
      ['failed', 'Execution timed out after 300 ms'],
      ['skipped', null],
    ]);
  });

  it('stops a CPU-bound expression at the overall timeout', async () => {
    const result = await runWorkflow(
      [{ id: 'spin', type: 'transform', params: { expression: '$sum([1..1000].($sum([1..1000].($ * 2))))' } }],
      options({ timeoutMs: 200 }),
    );
    expect(result).toMatchObject({ status: 'failed', error: 'Execution timed out after 200 ms' });
  });

  it('applies a step timeout to a transform', async () => {
    const result = await runWorkflow(
      [{ id: 'spin', type: 'transform', params: { expression: '$sum([1..1000].($sum([1..1000].($ * 2))))' }, timeoutMs: 100 }],
      options(),
    );
    expect(result).toMatchObject({ status: 'failed', error: 'Step "spin" failed: Step timed out after 100 ms' });
  });

  it('renders templates in url, query, headers and body', async () => {
    const result = await runWorkflow(
      [
        { id: 'shape', type: 'transform', params: { expression: '{ "total": $sum(input.values), "tags": input.tags }' } },
        http(
          'send',
          `${server.origin}/echo/{{ input.user.id }}`,
          {},
          {
            method: 'POST',
            query: { q: '{{ input.user.name }}', n: '{{ steps.shape.output.total }}' },
            headers: { 'X-User': 'user-{{ input.user.id }}', 'X-Missing': '[{{ input.nothing }}]' },
            body: {
              total: '{{ steps.shape.output.total }}',
              tags: '{{ steps.shape.output.tags }}',
              note: 'sum={{ steps.shape.output.total }}',
            },
          },
        ),
      ],
      options({ input: { user: { id: 42, name: 'Ada L' }, values: [1, 2, 3], tags: ['x'] } }),
    );
    expect(result.status).toBe('succeeded');
    const echoed = (result.output as { body: { method: string; path: string; headers: Record<string, string>; body: string } }).body;
    expect(echoed.method).toBe('POST');
    expect(echoed.path).toBe('/echo/42?q=Ada+L&n=6');
    expect(echoed.headers).toMatchObject({ 'x-user': 'user-42', 'x-missing': '[]', 'content-type': 'application/json' });
    expect(JSON.parse(echoed.body)).toEqual({ total: 6, tags: ['x'], note: 'sum=6' });
  });

  it('adds credential headers and never records the secret', async () => {
    const secret = 'sk_live_0123456789abcdef';
    const resolveCredential = jest.fn(async (id: string) => {
      if (id !== 'cred-1') throw new Error(`Credential ${id} not found`);
      return { Authorization: `Bearer ${secret}` };
    });
    const result = await runWorkflow(
      [http('call', `${server.origin}/echo`, {}, { credentialId: 'cred-1', headers: { authorization: 'from-params' } })],
      options({ resolveCredential }),
    );
    expect(result.status).toBe('succeeded');
    expect(server.requests.at(-1)?.headers.authorization).toBe(`Bearer ${secret}`);
    expect(JSON.stringify(result)).not.toContain(secret);
    expect((result.output as { body: { headers: Record<string, string> } }).body.headers.authorization).toBe('[REDACTED]');

    const failed = await runWorkflow(
      [http('call', `${server.origin}/echo`, { retry: { attempts: 3, backoffMs: 0 } }, { credentialId: 'cred-2' })],
      options({ resolveCredential }),
    );
    expect(failed).toMatchObject({ status: 'failed', error: 'Step "call" failed: Credential cred-2 not found', steps: [{ attempts: 1 }] });
    expect(resolveCredential).toHaveBeenCalledTimes(2);
  });

  it('fails an invalid definition before running anything', async () => {
    const before = server.requests.length;
    const result = await runWorkflow(
      [http('a', `${server.origin}/items`), { id: 'b', type: 'transform', params: { expression: 'steps.c.output' } }],
      options(),
    );
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/^Invalid workflow definition: steps\[1\]\.params\.expression: steps\.c refers to unknown step "c"/);
    expect(result.steps.map((step) => step.status)).toEqual(['skipped', 'skipped']);
    expect(server.requests.length).toBe(before);
  });

  it('passes maxResponseBytes to the http client', async () => {
    const result = await runWorkflow(
      [http('fetch', `${server.origin}/items`)],
      options({ http: { allowPrivate: true, maxResponseBytes: 10 } }),
    );
    expect(result.output).toMatchObject({ status: 200, truncated: true, body: '{"items":[' });
  });
});

describe('runWorkflow with HTTP_STEP_ALLOW_PRIVATE=false', () => {
  let canary: LocalHttpServer;

  beforeAll(async () => {
    canary = await startCanary();
  });

  afterAll(() => canary.close());

  it.each([
    [
      '127.0.0.1',
      (port: number) => `http://127.0.0.1:${port}/`,
      'Refused to connect to 127.0.0.1: private or loopback addresses are not allowed',
    ],
    [
      'localhost',
      (port: number) => `http://localhost:${port}/`,
      'Refused to connect to localhost (127.0.0.1): private or loopback addresses are not allowed',
    ],
    ['[::1]', (port: number) => `http://[::1]:${port}/`, 'Refused to connect to ::1: private or loopback addresses are not allowed'],
    [
      '169.254.169.254',
      () => 'http://169.254.169.254/latest/meta-data/',
      'Refused to connect to 169.254.169.254: cloud metadata addresses are not allowed',
    ],
    [
      '10.0.0.1',
      (port: number) => `http://10.0.0.1:${port}/`,
      'Refused to connect to 10.0.0.1: private or loopback addresses are not allowed',
    ],
    [
      '::ffff:127.0.0.1',
      (port: number) => `http://[::ffff:127.0.0.1]:${port}/`,
      'Refused to connect to ::ffff:7f00:1: private or loopback addresses are not allowed',
    ],
    [
      '2130706433 (decimal)',
      (port: number) => `http://2130706433:${port}/`,
      'Refused to connect to 127.0.0.1: private or loopback addresses are not allowed',
    ],
    [
      '0x7f.1 (hex)',
      (port: number) => `http://0x7f.1:${port}/`,
      'Refused to connect to 127.0.0.1: private or loopback addresses are not allowed',
    ],
    ['0.0.0.0', (port: number) => `http://0.0.0.0:${port}/`, 'Refused to connect to 0.0.0.0: unspecified addresses are not allowed'],
  ])('refuses %s without connecting', async (_name, url, message) => {
    const result = await runWorkflow([http('call', url(canary.port), { retry: { attempts: 3, backoffMs: 0 }, timeoutMs: 2000 })], {
      input: {},
      timeoutMs: 5000,
      http: { allowPrivate: false },
    });
    expect(result).toMatchObject({ status: 'failed', error: `Step "call" failed: ${message}`, steps: [{ attempts: 1 }] });
    expect(canary.connections()).toBe(0);
  });

  it('refuses a templated URL that renders to a private address', async () => {
    const result = await runWorkflow([http('call', '{{ input.url }}')], {
      input: { url: `http://127.0.0.1:${canary.port}/` },
      timeoutMs: 5000,
      http: { allowPrivate: false },
    });
    expect(result.error).toMatch(/Refused to connect to 127\.0\.0\.1/);
    expect(canary.connections()).toBe(0);
  });
});
