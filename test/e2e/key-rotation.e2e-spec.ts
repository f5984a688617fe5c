import { randomBytes } from 'node:crypto';
import { sql } from '../support/database';
import { HttpClient } from '../support/http-client';
import { runCli } from '../support/processes';
import { TargetServer } from '../support/target-server';
import { startStack, TestStack } from '../support/test-api';
import { TEST_ENCRYPTION_KEY_V1 } from '../support/test-env';
import { registerUser, TestUser } from '../support/users';

const V1 = `v1:${TEST_ENCRYPTION_KEY_V1}`;
const V2 = `v2:${randomBytes(32).toString('base64')}`;

interface Row {
  id: string;
  key_id: string;
  ciphertext: Buffer;
}

describe('encryption key rotation (real api, workers, CLI, PostgreSQL)', () => {
  let stack: TestStack;
  let target: TargetServer;
  let user: TestUser;
  let workflowId: string;
  const tokens: string[] = [];
  const credentialIds: string[] = [];

  const keyRows = () => sql<Row>(stack.database.url, 'SELECT id, key_id, ciphertext FROM credentials ORDER BY id');
  const cli = (keys: string, ...args: string[]) => runCli({ ...stack.env, ENCRYPTION_KEYS: keys }, ['rotate-keys', ...args]);

  /** Runs the workflow (one http step per credential) and returns the Authorization header each step sent. */
  const runAndCollect = async (http: HttpClient): Promise<string[]> => {
    const marker = randomBytes(6).toString('hex');
    const response = await http.post('/run', { workflowId, input: { marker }, waitMs: 20000 }, { token: user.token });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'succeeded', error: null });
    return target.hits.filter((hit) => hit.url.includes(marker)).map((hit) => String(hit.headers.authorization));
  };
  const expected = () => tokens.map((token) => `Bearer ${token}`);

  beforeAll(async () => {
    target = await new TargetServer().json('/ok', 200, { ok: true }).start();
    stack = await startStack({ HTTP_STEP_ALLOW_PRIVATE: 'true', ENCRYPTION_KEYS: V1 }, { workers: [{ WORKER_REGION: 'us-east-1' }] });
    user = await registerUser(stack.api.http, 'rotation');
    await sql(stack.database.url, `UPDATE users SET tier = 'enterprise' WHERE id = $1`, [user.id]);
    for (let i = 0; i < 5; i++) {
      tokens.push(`rotation-token-${i}-${randomBytes(8).toString('hex')}`);
      const created = await stack.api.http.post(
        '/credentials',
        { name: `c${i}`, type: 'bearer', data: { token: tokens[i] } },
        { token: user.token },
      );
      credentialIds.push(created.body.id);
    }
    const steps = credentialIds.map((credentialId, i) => ({
      id: `call${i}`,
      type: 'http',
      params: { method: 'GET', url: `${target.url('/ok')}?m={{ input.marker }}&i=${i}`, credentialId },
    }));
    workflowId = (await stack.api.http.post('/workflows', { name: 'five credentials', steps }, { token: user.token })).body.id;
  });

  afterAll(async () => {
    await stack?.close();
    await target?.stop();
  });

  it('rows written under v1 are used by a v1 deployment', async () => {
    expect((await keyRows()).map((row) => row.key_id)).toEqual(Array(5).fill('v1'));
    expect(await runAndCollect(stack.api.http)).toEqual(expected());
  });

  it('rotating with v1 already removed fails, names the rows by id only, and changes nothing', async () => {
    const before = await keyRows();
    const result = await cli(V2);
    expect(result.code).toBe(1);
    expect(result.output).toContain('5 credential row(s) could not be decrypted');
    for (const id of credentialIds) expect(result.output).toContain(id);
    for (const token of tokens) expect(result.output).not.toContain(token);
    expect(await keyRows()).toEqual(before);
  });

  it('add v2, rotate in batches: every row carries v2, a second run moves nothing, runs still work', async () => {
    // Deploy v1,v2: v2 becomes the active key for new writes.
    await stack.workers[0].stop();
    const api = await stack.startApi({ ENCRYPTION_KEYS: `${V1},${V2}` });
    await stack.startWorker({ WORKER_REGION: 'us-east-1', ENCRYPTION_KEYS: `${V1},${V2}` });
    expect(await runAndCollect(api.http)).toEqual(expected());

    const before = await keyRows();
    const first = await cli(`${V1},${V2}`, '--batch-size', '2');
    expect(first.code).toBe(0);
    expect(first.output).toContain('Re-encrypted 5 credential row(s) with key v2');
    // Three transactions of at most two rows.
    expect(first.output).toMatch(/re-encrypted 2 so far\s+re-encrypted 4 so far\s+re-encrypted 5 so far/);
    const after = await keyRows();
    expect(after.map((row) => row.key_id)).toEqual(Array(5).fill('v2'));
    after.forEach((row, i) => expect(row.ciphertext.equals(before[i].ciphertext)).toBe(false));

    const again = await cli(`${V1},${V2}`);
    expect(again.code).toBe(0);
    expect(again.output).toContain('Re-encrypted 0 credential row(s) with key v2');
    expect(await keyRows()).toEqual(after);
    for (const token of tokens) expect(first.output + again.output).not.toContain(token);

    expect(await runAndCollect(api.http)).toEqual(expected());
  });

  it('remove v1: a v2-only api and worker still run every credential', async () => {
    for (const process of [...stack.workers, ...stack.apis.map((api) => api.process)]) await process.stop();
    const api = await stack.startApi({ ENCRYPTION_KEYS: V2 });
    await stack.startWorker({ WORKER_REGION: 'us-east-1', ENCRYPTION_KEYS: V2 });
    expect(await runAndCollect(api.http)).toEqual(expected());

    const added = await api.http.post(
      '/credentials',
      { name: 'new', type: 'bearer', data: { token: 'written-under-v2' } },
      { token: user.token },
    );
    expect((await sql<Row>(stack.database.url, 'SELECT key_id FROM credentials WHERE id = $1', [added.body.id]))[0].key_id).toBe('v2');
  });

  it('the CLI refuses malformed keys at start, naming the setting but not the value', async () => {
    const result = await cli('v1:c2hvcnQ=');
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/ENCRYPTION_KEYS: entry 1 must be/);
    expect(result.output).not.toContain('c2hvcnQ=');
  });
});
