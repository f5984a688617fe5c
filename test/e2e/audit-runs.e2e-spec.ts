import type { AuditRow } from '../support/audit-rows';
import { adminPatchUser } from '../support/admin';
import { sql } from '../support/database';
import { HttpClient } from '../support/http-client';
import { eventually } from '../support/polling';
import { startStack, TestStack } from '../support/test-api';
import { registerUser } from '../support/users';

const QUICK = [{ id: 'quick', type: 'transform', params: { expression: '1' } }];

/** Every run request is audited: schedule ticks like API runs, limit rejections as one row per owner, code and minute. */
describe('audit of run requests that no HTTP caller made or that were refused (real api and worker)', () => {
  let stack: TestStack;
  let http: HttpClient;

  const auditOf = (actorId: string, action: string) =>
    sql<AuditRow>(stack.database.url, `SELECT * FROM audit_logs WHERE actor_id = $1 AND action = $2 ORDER BY at`, [actorId, action]);

  beforeAll(async () => {
    // The us-east-1 worker runs the maintenance job (each second here); nothing serves eu-west-1.
    stack = await startStack({ RECONCILE_INTERVAL_MS: '1000' }, { workers: [{ WORKER_REGION: 'us-east-1' }] });
    http = stack.api.http;
  });
  afterAll(() => stack?.close());

  it("a schedule tick is a run.request of the owner's, with trigger schedule and the execution it started", async () => {
    const owner = await registerUser(http, 'ticks');
    const created = await http.post(
      '/workflows',
      { name: 'ticking', steps: QUICK, trigger: { type: 'schedule', cron: '*/2 * * * * *' } },
      { token: owner.token },
    );
    expect(created.status).toBe(201);
    const rows = await eventually(
      () => auditOf(owner.id, 'run.request'),
      (found) => found.length >= 2,
      15_000,
    );
    expect((await http.delete(`/workflows/${created.body.id}`, { token: owner.token })).status).toBe(204);
    const executions = await sql<{ id: string }>(stack.database.url, `SELECT id FROM executions WHERE workflow_id = $1`, [created.body.id]);
    for (const row of rows) {
      expect(row).toMatchObject({ actor_id: owner.id, target_type: 'workflow', target_id: created.body.id, outcome: 'success' });
      expect(row.metadata).toMatchObject({ trigger: 'schedule', status: 'queued', region: 'us-east-1' });
      expect(executions.map((execution) => execution.id)).toContain(row.metadata.executionId);
    }
  });

  it('a flood of limit rejections is audited as one run.rejected row per code and minute, with the count', async () => {
    const owner = await registerUser(http, 'flood');
    // Only the concurrency limit refuses: the request rate is lifted.
    await adminPatchUser(http, owner.id, { customLimits: { apiRequestsPerMinute: null } });
    const created = await http.post('/workflows', { name: 'held', steps: QUICK, region: 'eu-west-1' }, { token: owner.token });
    const run = () => http.post('/run/async', { workflowId: created.body.id }, { token: owner.token });
    // A free user's two slots, held: no worker serves eu-west-1.
    expect([(await run()).status, (await run()).status]).toEqual([202, 202]);
    const flood = await Promise.all(Array.from({ length: 150 }, run));
    const refused = flood.filter((response) => response.status === 429);
    expect(refused).toHaveLength(150);
    expect(refused.every((response) => response.body.code === 'CONCURRENCY_LIMIT')).toBe(true);

    // A minute is written once it ended and every process had time to add its count.
    const rows = await eventually(
      () => auditOf(owner.id, 'run.rejected'),
      (found) => found.reduce((sum, row) => sum + Number(row.metadata.count), 0) === 150,
      140_000,
      1000,
    );
    expect(rows.length).toBeLessThanOrEqual(2);
    const minutes = rows.map((row) => row.metadata.minute);
    expect(new Set(minutes).size).toBe(rows.length);
    for (const row of rows)
      expect(row).toMatchObject({ target_type: 'user', target_id: owner.id, outcome: 'failure', metadata: { code: 'CONCURRENCY_LIMIT' } });
    const [{ n }] = await sql<{ n: number }>(
      stack.database.url,
      `SELECT count(*)::int AS n FROM run_rejection_tallies WHERE owner_id = $1`,
      [owner.id],
    );
    expect(n).toBe(0);
  }, 180_000);
});
