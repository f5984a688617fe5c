import { randomBytes } from 'node:crypto';
import { sql } from '../support/database';
import { HttpClient } from '../support/http-client';
import { TargetServer } from '../support/target-server';
import { startStack, TestStack } from '../support/test-api';
import { registerUser, TestUser } from '../support/users';
import { createWorkflowId } from '../support/workflows';

interface CredentialRow {
  id: string;
  owner_id: string;
  key_id: string;
  iv: Buffer;
  auth_tag: Buffer;
  ciphertext: Buffer;
}

describe('credentials: encrypted at rest, injected by the worker, never shown (real api, worker, PostgreSQL)', () => {
  let stack: TestStack;
  let http: HttpClient;
  let target: TargetServer;

  const secret = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;
  const row = async (id: string) => (await sql<CredentialRow>(stack.database.url, 'SELECT * FROM credentials WHERE id = $1', [id]))[0];

  const newUser = async (prefix: string): Promise<TestUser> => {
    const user = await registerUser(http, prefix);
    // Several workflows and runs per test: tier limits are not what this file is about.
    await sql(stack.database.url, `UPDATE users SET tier = 'enterprise' WHERE id = $1`, [user.id]);
    return user;
  };
  const createCredential = async (owner: TestUser, body: Record<string, unknown>) => {
    const response = await http.post('/credentials', body, { token: owner.token });
    if (response.status !== 201) throw new Error(`credential create failed: ${response.status} ${response.text}`);
    return response.body as { id: string };
  };
  const echoStep = (credentialId: string, path = '/echo') => ({
    id: 'call',
    type: 'http',
    params: { method: 'GET', url: target.url(path), credentialId },
  });
  const createWorkflow = (owner: TestUser, steps: unknown[]) => createWorkflowId(http, owner, { name: 'uses a credential', steps });
  const run = async (owner: TestUser, workflowId: string) => {
    const response = await http.post('/run', { workflowId, waitMs: 20000 }, { token: owner.token });
    expect(response.status).toBe(200);
    return response;
  };
  const hitsWith = (marker: string) => target.hits.filter((hit) => hit.url.includes(marker));

  beforeAll(async () => {
    target = await new TargetServer()
      .route('/echo', (req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ received: req.headers }));
      })
      .start();
    stack = await startStack({ HTTP_STEP_ALLOW_PRIVATE: 'true' }, { workers: [{ WORKER_REGION: 'us-east-1' }] });
    http = stack.api.http;
  });

  afterAll(async () => {
    await stack?.close();
    await target?.stop();
  });

  it('create, read, list, rename, replace and delete without a secret value in any answer', async () => {
    const owner = await newUser('crud');
    const token = secret('bearer');
    const created = await http.post('/credentials', { name: 'Payments API', type: 'bearer', data: { token } }, { token: owner.token });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name: 'Payments API',
      type: 'bearer',
      fields: ['token'],
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });

    const stored = await row(created.body.id);
    expect(stored).toMatchObject({ owner_id: owner.id, key_id: 'v1' });
    expect(stored.iv).toHaveLength(12);
    expect(stored.auth_tag).toHaveLength(16);
    expect(stored.ciphertext.toString('latin1')).not.toContain(token);

    const one = await http.get(`/credentials/${created.body.id}`, { token: owner.token });
    const list = await http.get('/credentials', { token: owner.token });
    expect(one.body).toEqual(created.body);
    expect(list.body).toEqual({ items: [created.body], total: 1, page: 1, limit: 20 });

    const renamed = await http.patch(`/credentials/${created.body.id}`, { name: 'Payments (live)' }, { token: owner.token });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Payments (live)', type: 'bearer' });
    expect((await row(created.body.id)).ciphertext.equals(stored.ciphertext)).toBe(true);

    const replacement = secret('header-value');
    const replaced = await http.patch(
      `/credentials/${created.body.id}`,
      { type: 'header', data: { name: 'X-Api-Key', value: replacement } },
      { token: owner.token },
    );
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ type: 'header', fields: ['name', 'value'] });
    const rewritten = await row(created.body.id);
    expect(rewritten.iv.equals(stored.iv)).toBe(false);
    expect(rewritten.ciphertext.toString('latin1')).not.toContain(replacement);

    for (const response of [created, one, list, renamed, replaced]) {
      expect(response.text).not.toContain(token);
      expect(response.text).not.toContain(replacement);
    }
    expect((await http.delete(`/credentials/${created.body.id}`, { token: owner.token })).status).toBe(204);
    expect((await http.get(`/credentials/${created.body.id}`, { token: owner.token })).status).toBe(404);
    expect(await row(created.body.id)).toBeUndefined();
  });

  it.each([
    ['a bearer without token', { type: 'bearer', data: {} }, 'data.token'],
    ['a token with a line break', { type: 'bearer', data: { token: 'SECRET-1\r\nX-Injected: yes' } }, 'data.token'],
    ['basic with ":" in the username', { type: 'basic', data: { username: 'a:b', password: 'SECRET-2' } }, 'data.username'],
    ['a header that frames the request', { type: 'header', data: { name: 'Content-Length', value: 'SECRET-3' } }, 'data.name'],
    ['a field the type does not have', { type: 'bearer', data: { token: 'SECRET-4', password: 'SECRET-5' } }, 'data'],
    ['an unknown type', { type: 'oauth', data: { token: 'SECRET-6' } }, 'type'],
    ['data that is not an object', { type: 'bearer', data: 'SECRET-7' }, 'data'],
  ])('%s → 400 naming the field, echoing no value, storing nothing', async (_label, body, field) => {
    const owner = await newUser('invalid');
    const response = await http.post('/credentials', { name: 'bad', ...body }, { token: owner.token });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(response.body.fields.map((entry: { field: string }) => entry.field)).toContain(field);
    expect(response.text).not.toMatch(/SECRET-\d/);
    expect(await sql(stack.database.url, 'SELECT 1 FROM credentials WHERE owner_id = $1', [owner.id])).toHaveLength(0);
  });

  it('a PATCH that changes the type without new data is refused and changes nothing', async () => {
    const owner = await newUser('patch');
    const { id } = await createCredential(owner, { name: 'b', type: 'bearer', data: { token: secret('t') } });
    const before = await row(id);
    const response = await http.patch(`/credentials/${id}`, { type: 'basic' }, { token: owner.token });
    expect(response.status).toBe(400);
    const after = await row(id);
    expect(after.ciphertext.equals(before.ciphertext)).toBe(true);
    expect((await http.get(`/credentials/${id}`, { token: owner.token })).body.type).toBe('bearer');
  });

  it('the worker injects each type as its header; the echoed secret is redacted from the step output', async () => {
    const owner = await newUser('inject');
    const token = secret('tok');
    const password = secret('pw');
    const value = secret('hv');
    const bearer = await createCredential(owner, { name: 'bearer', type: 'bearer', data: { token } });
    const basic = await createCredential(owner, { name: 'basic', type: 'basic', data: { username: 'svc', password } });
    const header = await createCredential(owner, { name: 'header', type: 'header', data: { name: 'X-Service-Key', value } });

    const cases: [string, string, string][] = [
      [bearer.id, 'authorization', `Bearer ${token}`],
      [basic.id, 'authorization', `Basic ${Buffer.from(`svc:${password}`).toString('base64')}`],
      [header.id, 'x-service-key', value],
    ];
    for (const [credentialId, name, expected] of cases) {
      const marker = randomBytes(6).toString('hex');
      const workflowId = await createWorkflow(owner, [echoStep(credentialId, `/echo?m=${marker}`)]);
      const response = await run(owner, workflowId);
      expect(response.body).toMatchObject({ status: 'succeeded', error: null });
      const [hit] = hitsWith(marker);
      expect(hit.headers[name]).toBe(expected);
      expect(response.body.output.body.received[name]).toBe('[REDACTED]');
      expect(response.text).not.toContain(expected.split(' ').pop());
      expect(
        JSON.stringify(
          await sql(stack.database.url, 'SELECT output, error FROM execution_steps WHERE execution_id = $1', [response.body.id]),
        ),
      ).not.toContain(expected.split(' ').pop());
    }
  });

  it("another user's credential is refused when a workflow is saved, and by the worker when a definition names it anyway", async () => {
    const alice = await newUser('alice');
    const mallory = await newUser('mallory');
    const token = secret('alice-token');
    const credential = await createCredential(alice, { name: 'alice', type: 'bearer', data: { token } });

    const create = await http.post('/workflows', { name: 'steal', steps: [echoStep(credential.id)] }, { token: mallory.token });
    expect(create.status).toBe(400);
    expect(create.body.fields).toEqual([
      { field: 'steps[0].params.credentialId', errors: [expect.stringContaining('no credential with this id')] },
    ]);
    const unknown = await http.post(
      '/workflows',
      { name: 'typo', steps: [echoStep('00000000-0000-4000-8000-000000000000')] },
      { token: mallory.token },
    );
    // Someone else's credential and one that does not exist get the same answer.
    expect(unknown.body.message).toBe(create.body.message);

    const own = await createCredential(mallory, { name: 'mine', type: 'bearer', data: { token: secret('mallory') } });
    const workflowId = await createWorkflow(mallory, [echoStep(own.id)]);
    const patch = await http.patch(`/workflows/${workflowId}`, { steps: [echoStep(credential.id)] }, { token: mallory.token });
    expect(patch.status).toBe(400);
    expect((await http.get(`/workflows/${workflowId}`, { token: mallory.token })).body.steps[0].params.credentialId).toBe(own.id);

    // Past the API (e.g. a definition written straight into the database): the worker refuses too.
    const marker = randomBytes(6).toString('hex');
    await sql(stack.database.url, 'UPDATE workflows SET steps = $2::jsonb WHERE id = $1', [
      workflowId,
      JSON.stringify([echoStep(credential.id, `/echo?m=${marker}`)]),
    ]);
    const response = await run(mallory, workflowId);
    expect(response.body.status).toBe('failed');
    expect(response.body.error).toContain(`credential ${credential.id} not found`);
    expect(hitsWith(marker)).toHaveLength(0);
    expect(response.text).not.toContain(token);
  });

  it('a deleted credential fails the run at that step with a clear message', async () => {
    const owner = await newUser('deleted');
    const credential = await createCredential(owner, { name: 'gone', type: 'bearer', data: { token: secret('gone') } });
    const workflowId = await createWorkflow(owner, [
      echoStep(credential.id),
      { id: 'after', type: 'transform', params: { expression: '1' } },
    ]);
    expect((await http.delete(`/credentials/${credential.id}`, { token: owner.token })).status).toBe(204);
    const response = await run(owner, workflowId);
    expect(response.body).toMatchObject({ status: 'failed', error: `Step "call" failed: credential ${credential.id} not found` });
    expect(response.body.steps.map((step: { status: string }) => step.status)).toEqual(['failed', 'skipped']);
  });

  describe('tampering with stored ciphertext', () => {
    it('one flipped byte: the run fails with "credential could not be decrypted" and no request is sent', async () => {
      const owner = await newUser('tamper');
      const token = secret('tamper');
      const credential = await createCredential(owner, { name: 't', type: 'bearer', data: { token } });
      const marker = randomBytes(6).toString('hex');
      const workflowId = await createWorkflow(owner, [echoStep(credential.id, `/echo?m=${marker}`)]);
      await sql(
        stack.database.url,
        'UPDATE credentials SET ciphertext = set_byte(ciphertext, 3, get_byte(ciphertext, 3) # 1) WHERE id = $1',
        [credential.id],
      );

      const response = await run(owner, workflowId);
      expect(response.body).toMatchObject({ status: 'failed', error: 'Step "call" failed: credential could not be decrypted' });
      expect(response.body.steps[0]).toMatchObject({ status: 'failed', error: 'credential could not be decrypted', output: null });
      expect(hitsWith(marker)).toHaveLength(0);
      expect(response.text).not.toContain(token);
      for (const worker of stack.workers) expect(worker.logs).not.toContain(token);
    });

    it("two users' ciphertexts swapped: both runs fail, neither owner's secret reaches the other", async () => {
      const alice = await newUser('swap-a');
      const bob = await newUser('swap-b');
      const aliceToken = secret('swap-alice');
      const bobToken = secret('swap-bob');
      const a = await createCredential(alice, { name: 'a', type: 'bearer', data: { token: aliceToken } });
      const b = await createCredential(bob, { name: 'b', type: 'bearer', data: { token: bobToken } });
      const markerA = randomBytes(6).toString('hex');
      const markerB = randomBytes(6).toString('hex');
      const workflowA = await createWorkflow(alice, [echoStep(a.id, `/echo?m=${markerA}`)]);
      const workflowB = await createWorkflow(bob, [echoStep(b.id, `/echo?m=${markerB}`)]);
      await sql(
        stack.database.url,
        `UPDATE credentials c SET key_id = o.key_id, iv = o.iv, auth_tag = o.auth_tag, ciphertext = o.ciphertext
           FROM credentials o WHERE (c.id, o.id) IN (($1::uuid, $2::uuid), ($2::uuid, $1::uuid))`,
        [a.id, b.id],
      );
      for (const [owner, workflowId] of [
        [alice, workflowA],
        [bob, workflowB],
      ] as const) {
        const response = await run(owner, workflowId);
        expect(response.body).toMatchObject({ status: 'failed', error: 'Step "call" failed: credential could not be decrypted' });
        expect(response.text).not.toContain(aliceToken);
        expect(response.text).not.toContain(bobToken);
      }
      expect([...hitsWith(markerA), ...hitsWith(markerB)]).toHaveLength(0);
    });
  });
});
