import { randomBytes } from 'node:crypto';
import IORedis from 'ioredis';
import { sql } from '../support/database';
import { HttpClient, HttpResult, RequestOptions } from '../support/http-client';
import { eventually } from '../support/polling';
import { TargetServer } from '../support/target-server';
import { startStack, TestStack } from '../support/test-api';
import { TEST_REDIS_URL } from '../support/test-env';
import { registerUser, TestUser } from '../support/users';

/** Keeps every answer the api gave, headers included, for the final search. */
class RecordingHttpClient extends HttpClient {
  readonly seen: string[] = [];

  override async request<T = any>(method: string, path: string, body?: unknown, options?: RequestOptions): Promise<HttpResult<T>> {
    const response = await super.request<T>(method, path, body, options);
    this.seen.push(`${method} ${path} ${response.status} ${JSON.stringify([...response.headers.entries()])} ${response.text}`);
    return response;
  }
}

async function dumpRedis(prefix: string): Promise<{ keys: number; text: string }> {
  const redis = new IORedis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const parts: string[] = [];
  let keys = 0;
  try {
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      for (const key of batch) {
        keys++;
        const type = await redis.type(key);
        const value =
          type === 'string'
            ? await redis.get(key)
            : type === 'hash'
              ? await redis.hgetall(key)
              : type === 'list'
                ? await redis.lrange(key, 0, -1)
                : type === 'set'
                  ? await redis.smembers(key)
                  : type === 'zset'
                    ? await redis.zrange(key, 0, -1, 'WITHSCORES')
                    : type === 'stream'
                      ? await redis.xrange(key, '-', '+')
                      : `(${type})`;
        parts.push(`${key} ${JSON.stringify(value)}`);
      }
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return { keys, text: parts.join('\n') };
}

async function dumpDatabase(url: string): Promise<string> {
  const tables = await sql<{ table_name: string }>(
    url,
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
  );
  const parts: string[] = [];
  for (const { table_name: table } of tables) {
    const rows = await sql<{ row: string }>(url, `SELECT row_to_json(t)::text AS row FROM "${table}" t`);
    parts.push(`${table}: ${rows.map((row) => row.row).join('\n')}`);
  }
  return parts.join('\n');
}

describe('log hygiene: a credential canary appears nowhere but in the encrypted column', () => {
  const canary = `canary-${randomBytes(16).toString('hex')}`;
  // Forms a leak could take: the value, the Basic header made from it, and the bytes as PostgreSQL prints bytea.
  const forbidden = [canary, Buffer.from(`svc:${canary}`).toString('base64'), Buffer.from(canary).toString('hex')];

  let stack: TestStack;
  let http: RecordingHttpClient;
  let target: TargetServer;
  let user: TestUser;
  const credentialIds: Record<string, string> = {};
  const executionIds: string[] = [];

  const echoHandler = (status: number) => (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    // A careless server echoes the credential back in headers and body.
    res.writeHead(status, {
      'content-type': 'application/json',
      'x-echo-auth': String(req.headers.authorization ?? req.headers['x-secret-key'] ?? ''),
    });
    res.end(JSON.stringify({ received: req.headers, message: `you sent ${req.headers.authorization}` }));
  };

  const runToEnd = async (workflowId: string, input: unknown = {}) => {
    const response = await http.post('/run', { workflowId, input, waitMs: 30000 }, { token: user.token });
    expect(response.status).toBe(200);
    executionIds.push(response.body.id);
    return response.body;
  };
  const workflow = async (steps: unknown[], extra: Record<string, unknown> = {}) => {
    const response = await http.post('/workflows', { name: 'hygiene', steps, ...extra }, { token: user.token });
    expect(response.status).toBe(201);
    return response.body;
  };
  const call = (id: string, credential: string, path: string, extra: Record<string, unknown> = {}) => ({
    id,
    type: 'http',
    params: { method: 'POST', url: target.url(path), credentialId: credentialIds[credential], body: { note: 'ordinary payload' } },
    ...extra,
  });

  beforeAll(async () => {
    target = await new TargetServer()
      .route('/echo', echoHandler(200))
      .route('/broken', echoHandler(500))
      .route('/denied', echoHandler(401))
      .route('/slow', (_req, res) => void setTimeout(() => res.end('late'), 2000))
      .start();
    stack = await startStack(
      { LOG_LEVEL: 'debug', HTTP_STEP_ALLOW_PRIVATE: 'true' },
      { workers: [{ WORKER_REGION: 'us-east-1', LOG_LEVEL: 'debug' }] },
    );
    http = new RecordingHttpClient(stack.api.url);
    user = await registerUser(http, 'hygiene');
    await sql(stack.database.url, `UPDATE users SET tier = 'enterprise' WHERE id = $1`, [user.id]);
  });

  afterAll(async () => {
    await stack?.close();
    await target?.stop();
  });

  it('stores the canary in bearer, basic and header credentials', async () => {
    for (const [name, body] of [
      ['bearer', { type: 'bearer', data: { token: canary } }],
      ['basic', { type: 'basic', data: { username: 'svc', password: canary } }],
      ['header', { type: 'header', data: { name: 'X-Secret-Key', value: canary } }],
    ] as const) {
      const response = await http.post('/credentials', { name, ...body }, { token: user.token });
      expect(response.status).toBe(201);
      credentialIds[name] = response.body.id;
    }
  });

  it('runs that use it: the target receives it (injection works), outputs show it redacted', async () => {
    const ok = await workflow([
      call('bearer', 'bearer', '/echo?case=ok'),
      call('basic', 'basic', '/echo?case=ok'),
      call('header', 'header', '/echo?case=ok'),
    ]);
    const result = await runToEnd(ok.id);
    expect(result.status).toBe('succeeded');
    const received = target.hits
      .filter((hit) => hit.url === '/echo?case=ok')
      .map((hit) => hit.headers.authorization ?? hit.headers['x-secret-key']);
    expect(received).toEqual([`Bearer ${canary}`, `Basic ${forbidden[1]}`, canary]);
    expect(result.steps[0].output.headers['x-echo-auth']).toBe('[REDACTED]');
    expect(result.steps[0].output.body.message).toBe('you sent [REDACTED]');

    // A webhook-triggered run goes through the same path.
    const hooked = await workflow([call('bearer', 'bearer', '/echo?case=hook')], { trigger: { type: 'webhook' } });
    const accepted = await http.post(`/hooks/${hooked.id}`, { order: 1 }, { headers: { 'x-webhook-token': hooked.webhook.token } });
    expect(accepted.status).toBe(202);
    executionIds.push(accepted.body.executionId);
    await eventually(
      () => http.get(`/executions/${accepted.body.executionId}`, { token: user.token }),
      (response) => response.body.status === 'succeeded',
    );
  });

  it('runs that fail in every way a step can, with the secret in reach of the error', async () => {
    const failures = [
      // The server answers 500 (retried) and 401, echoing the header.
      [call('broken', 'bearer', '/broken', { retry: { attempts: 2, backoffMs: 10 } })],
      [call('denied', 'basic', '/denied')],
      // Timeout while the credential is in flight.
      [call('slow', 'header', '/slow', { timeoutMs: 200 })],
      // Later steps try to surface what the echo returned: in an error, in a URL, as the run's output.
      [
        call('echo', 'bearer', '/echo?case=fail'),
        { id: 'leak', type: 'transform', params: { expression: '$error("leaked: " & steps.echo.output.body.message)' } },
      ],
      [
        call('echo', 'bearer', '/echo?case=fail'),
        { id: 'url', type: 'http', params: { method: 'GET', url: 'http://{{ steps.echo.output.body.message }}/x' } },
      ],
      [call('echo', 'header', '/echo?case=fail'), { id: 'out', type: 'transform', params: { expression: 'steps.echo.output' } }],
    ];
    for (const steps of failures) {
      const result = await runToEnd((await workflow(steps)).id);
      expect(['failed', 'succeeded']).toContain(result.status);
    }
    // And a credential that cannot be decrypted.
    const tampered = await workflow([call('tampered', 'bearer', '/echo?case=tampered')]);
    await sql(
      stack.database.url,
      'UPDATE credentials SET ciphertext = set_byte(ciphertext, 0, get_byte(ciphertext, 0) # 255) WHERE id = $1',
      [credentialIds.bearer],
    );
    const failed = await runToEnd(tampered.id);
    expect(failed.error).toContain('credential could not be decrypted');
  });

  it('validation failures and malformed requests that carry the canary', async () => {
    const answers = [
      await http.post('/credentials', { name: 'bad', type: 'bearer', data: { token: `${canary} with spaces` } }, { token: user.token }),
      await http.post('/credentials', { name: 'bad', type: 'bearer', data: { token: canary, [canary]: canary } }, { token: user.token }),
      await http.post(
        '/credentials',
        { name: 'bad', type: 'header', data: { name: 'Host', value: `${canary}\r\n` } },
        { token: user.token },
      ),
      await http.post('/credentials', { name: 'bad', type: 'basic', data: canary }, { token: user.token }),
      await http.patch(
        `/credentials/${credentialIds.basic}`,
        { data: { username: `a:${canary}`, password: canary } },
        { token: user.token },
      ),
      await http.post('/credentials', undefined, {
        token: user.token,
        raw: `{"name":"x","type":"bearer","data":{"token":"${canary}"`,
        headers: { 'content-type': 'application/json' },
      }),
      await http.post(
        '/credentials',
        { name: 'huge', type: 'bearer', data: { token: canary, padding: 'x'.repeat(1_100_000) } },
        { token: user.token },
      ),
      await http.post('/auth/login', { email: user.email, password: canary }),
      await http.get('/users/me', { token: canary }),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([400, 400, 400, 400, 400, 400, 413, 401, 401]);
  });

  it('the canary is in none of: api and worker logs, any api answer, any database row, any Redis key', async () => {
    // Let the last log lines flush.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const apiLogs = stack.apis.map((api) => api.process.logs).join('\n');
    const workerLogs = stack.workers.map((worker) => worker.logs).join('\n');
    const database = await dumpDatabase(stack.database.url);
    const redis = await dumpRedis(stack.env.REDIS_KEY_PREFIX as string);

    // The search covers real material: debug logs were written, job data and rows exist.
    expect(apiLogs).toContain('/credentials');
    expect(workerLogs).toContain('execution finished');
    expect(redis.keys).toBeGreaterThan(0);
    expect(redis.text).toContain(executionIds[0]);
    for (const id of executionIds) expect(database).toContain(id);
    expect(database).toContain('"action":"credential.create"');
    expect(http.seen.length).toBeGreaterThan(20);

    const places: Record<string, string> = { apiLogs, workerLogs, responses: http.seen.join('\n'), database, redis: redis.text };
    for (const [place, text] of Object.entries(places)) {
      for (const secret of forbidden) expect({ place, leaked: text.includes(secret) }).toEqual({ place, leaked: false });
    }
  });
});
