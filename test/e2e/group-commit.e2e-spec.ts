import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { adminPatchUser } from '../support/admin';
import { HttpClient } from '../support/http-client';
import { eventually, sleep } from '../support/polling';
import { startStack, TestStack } from '../support/test-api';
import { registerUser, TestUser } from '../support/users';

// The pause lets a test hold the runs' finishes back together (see the first test).
const STEPS = [
  { id: 'pause', type: 'delay', params: { ms: 1000 } },
  { id: 'echo', type: 'transform', params: { expression: 'input' } },
];

/** count and sum of flowline_group_commit_batch_size{operation} in a /metrics text. */
function batches(metrics: string, operation: string): { count: number; sum: number } {
  const value = (suffix: string) =>
    Number(
      new RegExp(`^flowline_group_commit_batch_size_${suffix}\\{[^}]*operation="${operation}"[^}]*\\} (\\d+)`, 'm').exec(metrics)?.[1] ?? 0,
    );
  return { count: value('count'), sum: value('sum') };
}

function grown(before: string, after: string, operation: string): { count: number; sum: number } {
  return {
    count: batches(after, operation).count - batches(before, operation).count,
    sum: batches(after, operation).sum - batches(before, operation).sum,
  };
}

/**
 * Group commit, seen from outside: runs accepted at the same moment share admission statements and addBulk
 * calls, and the worker's claims and finishes of concurrent jobs share statements, while every request still
 * gets its own answer, also when PostgreSQL refuses one run of a shared statement.
 */
describe('group commit: runs that arrive together share statements, each answered on its own', () => {
  let stack: TestStack;
  let enterprise: TestUser;
  let free: TestUser;
  const workflows = new Map<string, string>();

  const run = (user: TestUser, input: unknown) =>
    stack.api.http.post('/run/async', { workflowId: workflows.get(user.id), input }, { token: user.token });
  const apiMetrics = async () => (await stack.api.http.get('/metrics')).text;

  /** Holds a table lock on the stack's database until released. */
  async function lockTable(table: string, mode: string): Promise<{ release: () => Promise<void> }> {
    const client = new Client({ connectionString: stack.database.url });
    await client.connect();
    await client.query('BEGIN');
    await client.query(`LOCK TABLE ${table} IN ${mode} MODE`);
    return { release: async () => void (await client.query('ROLLBACK'), await client.end()) };
  }

  /**
   * With `table` locked, the first two requests take both admission statement slots and wait; the others,
   * sent next, then wait together for one shared statement, which runs once the lock is released.
   */
  async function sendSharingOneStatement<T>(table: string, count: number, send: (n: number) => Promise<T>): Promise<T[]> {
    const locker = await lockTable(table, 'ACCESS EXCLUSIVE');
    const first = [0, 1].map(send);
    await sleep(300);
    const rest = Array.from({ length: count - 2 }, (_, i) => send(i + 2));
    await sleep(500);
    await locker.release();
    return Promise.all([...first, ...rest]);
  }

  beforeAll(async () => {
    stack = await startStack();
    enterprise = await registerUser(stack.api.http, 'big');
    free = await registerUser(stack.api.http, 'small');
    await adminPatchUser(stack.api.http, enterprise.id, { tier: 'enterprise' });
    for (const user of [enterprise, free]) {
      const created = await stack.api.http.post('/workflows', { name: 'echo', steps: STEPS }, { token: user.token });
      workflows.set(user.id, created.body.id);
    }
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('runs accepted together share admission statements and addBulk calls; the worker shares claims and finishes', async () => {
    const before = await apiMetrics();
    const answers = await sendSharingOneStatement('workflows', 20, (n) => run(enterprise, { n }));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(202));
    const after = await apiMetrics();
    // Two alone (both statement slots), then the other 18 in one statement; their jobs likewise.
    expect(grown(before, after, 'admit')).toEqual({ count: 3, sum: 20 });
    expect(grown(before, after, 'job_add').sum).toBe(20);
    expect(grown(before, after, 'job_add').count).toBeLessThan(20);

    // The worker starts with 20 jobs waiting and takes ten (WORKER_CONCURRENCY 10): with executions locked, their
    // claims wait in two statements and one shared by eight. Locked again while those runs pause, their finishes too.
    const locker = await lockTable('executions', 'EXCLUSIVE');
    await stack.startWorker();
    await sleep(1500);
    await locker.release();
    await sleep(300);
    const second = await lockTable('executions', 'EXCLUSIVE');
    await sleep(1500);
    await second.release();

    const ids = answers.map((answer) => answer.body.executionId as string);
    await eventually(
      () => Promise.all(ids.map(async (id) => (await stack.api.http.get(`/executions/${id}`, { token: enterprise.token })).body)),
      (executions) => executions.every((execution) => execution.status === 'succeeded'),
      60000,
    );
    const outputs = await Promise.all(
      ids.map(async (id) => (await stack.api.http.get(`/executions/${id}`, { token: enterprise.token })).body.output),
    );
    expect(outputs).toEqual(Array.from({ length: 20 }, (_, n) => ({ n })));

    const worker = new HttpClient(`http://127.0.0.1:${stack.workerPorts[0]}`);
    const workerMetrics = (await worker.get('/metrics')).text;
    for (const operation of ['claim', 'finish']) {
      expect({ operation, runs: batches(workerMetrics, operation).sum }).toEqual({ operation, runs: 20 });
      expect(batches(workerMetrics, operation).count).toBeLessThanOrEqual(14);
    }
  }, 120000);

  it('owners sharing statements each get their own decision: the free user gets 2 accepted and 429s, the enterprise user all accepted', async () => {
    await stack.workers[0].stop();
    const answers = await Promise.all(Array.from({ length: 40 }, (_, n) => run(n % 2 === 0 ? free : enterprise, { n })));
    const statuses = (user: TestUser) =>
      answers.filter((_, n) => (n % 2 === 0 ? free : enterprise) === user).map((answer) => answer.status);
    expect(statuses(enterprise)).toEqual(Array(20).fill(202));
    expect(statuses(free).filter((status) => status === 202)).toHaveLength(2);
    expect(statuses(free).filter((status) => status === 429)).toHaveLength(18);
    for (const answer of answers.filter((_, n) => n % 2 === 0 && answers[n].status === 429))
      expect(answer.body).toMatchObject({ code: 'CONCURRENCY_LIMIT', limit: 2, current: 2 });
  });

  it('when PostgreSQL refuses one run of a shared statement, that request gets 500 and the others are accepted and recorded', async () => {
    const client = new Client({ connectionString: stack.database.url });
    await client.connect();
    try {
      await client.query(`CREATE FUNCTION test_refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.input->>'poison' = 'yes' THEN RAISE EXCEPTION 'poisoned run'; END IF; RETURN NEW; END $$`);
      await client.query(
        `CREATE TRIGGER test_refuse_poison BEFORE INSERT ON executions FOR EACH ROW EXECUTE FUNCTION test_refuse_poison()`,
      );
      const marker = randomUUID();
      const before = batches(await apiMetrics(), 'admit');
      const inputs = Array.from({ length: 30 }, (_, n) => (n === 17 ? { marker, poison: 'yes' } : { marker, n }));
      const answers = await sendSharingOneStatement('workflows', 30, (n) => run(enterprise, inputs[n]));

      expect(answers[17].status).toBe(500);
      expect(answers[17].body).toMatchObject({ statusCode: 500, code: 'INTERNAL_ERROR' });
      const accepted = answers.filter((_, n) => n !== 17);
      expect(accepted.map((answer) => answer.status)).toEqual(Array(29).fill(202));
      const { rows } = await client.query<{ id: string }>(`SELECT id FROM executions WHERE input->>'marker' = $1`, [marker]);
      expect(rows.map((row) => row.id).sort()).toEqual(accepted.map((answer) => answer.body.executionId).sort());
      // Two alone, one shared by 28 that PostgreSQL refused, then those 28 again one at a time.
      const after = batches(await apiMetrics(), 'admit');
      expect({ statements: after.count - before.count, runs: after.sum - before.sum }).toEqual({ statements: 31, runs: 58 });
    } finally {
      await client.query(`DROP TRIGGER IF EXISTS test_refuse_poison ON executions`);
      await client.end();
    }
  });
});
