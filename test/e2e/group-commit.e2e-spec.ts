import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { adminPatchUser } from '../support/admin';
import { HttpClient } from '../support/http-client';
import { eventually, sleep } from '../support/polling';
import { startStack, TestStack } from '../support/test-api';
import { registerUser, TestUser } from '../support/users';

const STEPS = [{ id: 'only', type: 'transform', params: { expression: 'input' } }];

/** count and sum of flowline_group_commit_batch_size{operation} in a /metrics text. */
function batches(metrics: string, operation: string): { count: number; sum: number } {
  const value = (suffix: string) =>
    Number(
      new RegExp(`^flowline_group_commit_batch_size_${suffix}\\{[^}]*operation="${operation}"[^}]*\\} (\\d+)`, 'm').exec(metrics)?.[1] ?? 0,
    );
  return { count: value('count'), sum: value('sum') };
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

  it('60 runs at once: all accepted through fewer admission statements and addBulk calls; the worker claims and finishes them in batches', async () => {
    const before = await apiMetrics();
    const answers = await Promise.all(Array.from({ length: 60 }, (_, n) => run(enterprise, { n })));
    expect(answers.map((answer) => answer.status)).toEqual(Array(60).fill(202));

    const after = await apiMetrics();
    for (const operation of ['admit', 'job_add']) {
      const grown = {
        count: batches(after, operation).count - batches(before, operation).count,
        sum: batches(after, operation).sum - batches(before, operation).sum,
      };
      expect({ operation, sum: grown.sum }).toEqual({ operation, sum: 60 });
      expect(grown.count).toBeLessThan(60);
    }

    // The worker starts with 60 jobs waiting: it takes ten at once (WORKER_CONCURRENCY 10).
    await stack.startWorker();
    const ids = answers.map((answer) => answer.body.executionId as string);
    await eventually(
      () => Promise.all(ids.map(async (id) => (await stack.api.http.get(`/executions/${id}`, { token: enterprise.token })).body.status)),
      (statuses) => statuses.every((status) => status === 'succeeded'),
      60000,
    );
    const outputs = await Promise.all(
      ids.map(async (id) => (await stack.api.http.get(`/executions/${id}`, { token: enterprise.token })).body.output),
    );
    expect(outputs).toEqual(Array.from({ length: 60 }, (_, n) => ({ n })));

    const worker = new HttpClient(`http://127.0.0.1:${stack.workerPorts[0]}`);
    const workerMetrics = (await worker.get('/metrics')).text;
    for (const operation of ['claim', 'finish']) {
      expect({ operation, sum: batches(workerMetrics, operation).sum }).toEqual({ operation, sum: 60 });
      expect(batches(workerMetrics, operation).count).toBeLessThan(60);
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
      // With the workflows table locked, two runs take both statement slots and wait; the 28 sent next (the
      // poisoned one among them) then wait together for one shared statement.
      const locker = new Client({ connectionString: stack.database.url });
      await locker.connect();
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE workflows IN ACCESS EXCLUSIVE MODE');
      const inputs = Array.from({ length: 30 }, (_, n) => (n === 17 ? { marker, poison: 'yes' } : { marker, n }));
      const first = inputs.slice(0, 2).map((input) => run(enterprise, input));
      await sleep(300);
      const rest = inputs.slice(2).map((input) => run(enterprise, input));
      await sleep(500);
      await locker.query('ROLLBACK');
      await locker.end();
      const answers = await Promise.all([...first, ...rest]);

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
