import { startCpuMeter } from './cpu-meter.mjs';
import { runLoad, timeSequential } from './load.mjs';
import { round, sleep } from './processes.mjs';

const TRANSFORM_STEPS = [{ id: 'double', type: 'transform', params: { expression: 'input.n * 2' } }];
const LONG_DELAY_STEPS = [{ id: 'hold', type: 'delay', params: { ms: 300000 } }];
const LIVE = `status IN ('waiting', 'queued', 'running')`;

/** A small HTTP client for the api; every unexpected answer is an error naming the call. */
export function apiClient(baseUrl) {
  async function call(method, path, { token, body, expect } = {}) {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    if (expect !== undefined && ![expect].flat().includes(response.status)) {
      throw new Error(`${method} ${path} answered ${response.status}, expected ${expect}: ${text.slice(0, 500)}`);
    }
    return { status: response.status, body: parsed };
  }
  return { call, baseUrl };
}

/** Registers a user and sets its tier and custom limits with SQL, as an operator would. */
export async function createUser(api, db, label, tier, customLimits) {
  const email = `${label}-${Date.now()}@bench.flowline.test`;
  const { body } = await api.call('POST', '/auth/register', { body: { email, password: 'bench-password-0123', name: label }, expect: 201 });
  await db.rows(`UPDATE users SET tier = $2, custom_limits = $3::jsonb WHERE id = $1`, [
    body.user.id,
    tier,
    customLimits === null ? null : JSON.stringify(customLimits),
  ]);
  return { id: body.user.id, token: body.accessToken };
}

export async function createWorkflow(api, user, name, steps) {
  const { body } = await api.call('POST', '/workflows', { token: user.token, body: { name, steps }, expect: 201 });
  return body.id;
}

async function liveCount(db, ownerId) {
  return Number((await db.one(`SELECT count(*) AS n FROM executions WHERE owner_id = $1 AND ${LIVE}`, [ownerId])).n);
}

async function waitUntilDrained(db, ownerId, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await liveCount(db, ownerId)) === 0) return true;
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
}

function runAsyncLoad(api, user, workflowId, settings, seconds) {
  return runLoad({
    url: `${api.baseUrl}/run/async`,
    headers: { authorization: `Bearer ${user.token}` },
    body: { workflowId, input: { n: 21 } },
    connections: settings.connections,
    seconds,
  });
}

/**
 * Accept and end to end: an enterprise user without a rate limit posts runs
 * of a one-step transform; the one worker executes them meanwhile.
 */
export async function acceptPhase({ api, db, redis, settings, profiles, stack }) {
  const user = await createUser(api, db, 'enterprise', 'enterprise', { apiRequestsPerMinute: null });
  const workflowId = await createWorkflow(api, user, 'bench transform', TRANSFORM_STEPS);
  await runAsyncLoad(api, user, workflowId, settings, settings.warmupSeconds);
  if (!(await waitUntilDrained(db, user.id, 60000))) throw new Error('warm-up runs did not drain within 60 s');

  await profiles.start();
  const batchesBefore = await groupCommitBatches(api.baseUrl, stack.workerUrl);
  const cpuBefore = { api: stack.api.cpuMs(), worker: stack.worker.cpuMs() };
  const meter = await startCpuMeter(db, redis);
  const load = await runAsyncLoad(api, user, workflowId, settings, settings.seconds);
  const backlogAtEnd = await liveCount(db, user.id);
  const drained = await waitUntilDrained(db, user.id, settings.drainTimeoutS * 1000);
  const cpuAfter = { api: stack.api.cpuMs(), worker: stack.worker.cpuMs() };
  const used = await meter();
  await profiles.stop();
  const batchesAfter = await groupCommitBatches(api.baseUrl, stack.workerUrl);

  const stats = await db.one(
    `SELECT count(*) AS accepted,
            count(*) FILTER (WHERE status = 'succeeded') AS succeeded,
            count(*) FILTER (WHERE finished_at IS NOT NULL) AS finished,
            count(*) FILTER (WHERE finished_at <= to_timestamp($3::double precision / 1000)) AS finished_in_window,
            extract(epoch FROM max(finished_at)) * 1000 AS last_finished_ms
       FROM executions WHERE owner_id = $1 AND created_at >= to_timestamp($2::double precision / 1000)`,
    [user.id, load.startedAt, load.finishedAt],
  );
  const lastFinishedMs = Number(stats.last_finished_ms);
  return {
    accept: {
      connections: settings.connections,
      seconds: load.elapsedS,
      responses: load.responses,
      accepted: load.ok,
      perSec: round(load.ok / load.elapsedS),
      latencyMs: load.latency,
      non2xx: load.non2xx,
      errors: load.errors + load.timeouts,
      statusCounts: load.statusCounts,
      apiCpuMsPerRun: round((cpuAfter.api - cpuBefore.api) / Math.max(1, load.responses), 2),
    },
    endToEnd: {
      workerConcurrency: settings.workerConcurrency,
      rowsAccepted: Number(stats.accepted),
      succeeded: Number(stats.succeeded),
      finishedInWindowPerSec: round(Number(stats.finished_in_window) / load.elapsedS),
      perSec: round(Number(stats.finished) / ((lastFinishedMs - load.startedAt) / 1000)),
      backlogAtEnd,
      drained,
      drainS: drained ? round(Math.max(0, lastFinishedMs - load.finishedAt) / 1000, 2) : null,
      workerCpuMsPerExecution: round((cpuAfter.worker - cpuBefore.worker) / Math.max(1, Number(stats.finished)), 2),
      postgresCpuMsPerRun: round(used.postgresMs / Math.max(1, Number(stats.accepted)), 2),
      redisCpuMsPerRun: used.redisMs === null ? null : round(used.redisMs / Math.max(1, Number(stats.accepted)), 2),
      machineBusyShare: used.machineBusyShare === null ? null : round(used.machineBusyShare, 3),
      callsPerStatement: callsPerBatch(batchesBefore, batchesAfter),
    },
  };
}

const GROUP_COMMIT_OPERATIONS = ['admit', 'job_add', 'claim', 'finish'];

/** flowline_group_commit_batch_size count and sum per operation, from the api's and the worker's /metrics. */
async function groupCommitBatches(apiUrl, workerUrl) {
  const texts = await Promise.all([apiUrl, workerUrl].map(async (url) => (await fetch(`${url}/metrics`)).text()));
  const batches = {};
  for (const operation of GROUP_COMMIT_OPERATIONS) {
    const value = (suffix) =>
      texts
        .map((text) =>
          new RegExp(`^flowline_group_commit_batch_size_${suffix}\\{[^}]*operation="${operation}"[^}]*\\} (\\d+)`, 'm').exec(text),
        )
        .reduce((total, match) => total + (match ? Number(match[1]) : 0), 0);
    batches[operation] = { count: value('count'), sum: value('sum') };
  }
  return batches;
}

/** Mean calls per statement (or addBulk) during the phase; null for a build without group commit. */
function callsPerBatch(before, after) {
  return Object.fromEntries(
    GROUP_COMMIT_OPERATIONS.map((operation) => {
      const count = after[operation].count - before[operation].count;
      return [operation, count > 0 ? round((after[operation].sum - before[operation].sum) / count, 2) : null];
    }),
  );
}

/**
 * The rejection fast path: a free user (rate limit and daily quota lifted)
 * whose two concurrency slots are held by long delay runs posts the same load.
 */
export async function rejectPhase({ api, db, redis, settings, profiles, stack }) {
  const user = await createUser(api, db, 'free', 'free', { apiRequestsPerMinute: null, dailyExecutions: null });
  const holdId = await createWorkflow(api, user, 'bench hold', LONG_DELAY_STEPS);
  const workflowId = await createWorkflow(api, user, 'bench transform', TRANSFORM_STEPS);
  const held = [];
  for (let i = 0; i < 2; i++)
    held.push((await api.call('POST', '/run/async', { token: user.token, body: { workflowId: holdId }, expect: 202 })).body.executionId);
  const probe = await api.call('POST', '/run/async', { token: user.token, body: { workflowId }, expect: 429 });
  if (probe.body.code !== 'CONCURRENCY_LIMIT') throw new Error(`expected CONCURRENCY_LIMIT, got ${JSON.stringify(probe.body)}`);

  await profiles.start();
  const cpuBefore = stack.api.cpuMs();
  const meter = await startCpuMeter(db, redis);
  const load = await runAsyncLoad(api, user, workflowId, settings, settings.seconds);
  const cpuAfter = stack.api.cpuMs();
  const used = await meter();
  await profiles.stop();
  for (const id of held) await api.call('POST', `/executions/${id}/cancel`, { token: user.token });

  const rejected = load.statusCounts[429] ?? 0;
  return {
    connections: settings.connections,
    seconds: load.elapsedS,
    rejected,
    perSec: round(rejected / load.elapsedS),
    latencyMs: load.latencyOf(429),
    other: load.responses - rejected,
    errors: load.errors + load.timeouts,
    statusCounts: load.statusCounts,
    apiCpuMsPerRequest: round((cpuAfter - cpuBefore) / Math.max(1, load.responses), 2),
    postgresCpuMsPerRequest: round(used.postgresMs / Math.max(1, load.responses), 2),
    redisCpuMsPerRequest: used.redisMs === null ? null : round(used.redisMs / Math.max(1, load.responses), 2),
    machineBusyShare: used.machineBusyShare === null ? null : round(used.machineBusyShare, 3),
  };
}

/** Analytics summary latency for a user with `rows` executions over the last 30 days. */
export async function analyticsPhase({ api, db, settings }) {
  const user = await createUser(api, db, 'analytics', 'enterprise', null);
  const workflowId = await createWorkflow(api, user, 'bench history', TRANSFORM_STEPS);
  const seedStart = Date.now();
  await db.rows(
    `INSERT INTO executions (id, owner_id, workflow_id, status, trigger, region, queue, priority, definition, deliveries, created_at, started_at, finished_at, duration_ms)
     SELECT gen_random_uuid(), $1, $2, s.status, 'manual', 'us-east-1', 'us-east-1-default', 10, '[]'::jsonb, 1,
            s.created, s.created + interval '3 milliseconds', s.created + make_interval(secs => (s.duration + 3) / 1000.0), s.duration
       FROM (SELECT now() - (g::double precision / $3) * interval '30 days' AS created,
                    CASE WHEN g % 20 < 16 THEN 'succeeded' WHEN g % 20 < 19 THEN 'failed' ELSE 'cancelled' END AS status,
                    (5 + (g * 7919) % 4000)::int AS duration
               FROM generate_series(1, $3::int) AS g) s`,
    [user.id, workflowId, settings.analyticsRows],
  );
  // What autovacuum does after a bulk insert: statistics and the visibility map (index-only scans).
  await db.rows(`VACUUM (ANALYZE) executions`);
  const seedS = round((Date.now() - seedStart) / 1000, 1);

  const path = '/analytics/summary?days=30';
  const first = await api.call('GET', path, { token: user.token });
  if (first.status === 404) return { available: false, status: 404, rows: settings.analyticsRows, seedS };
  if (first.status !== 200) return { available: false, status: first.status, rows: settings.analyticsRows, seedS, body: first.body };
  const get = () =>
    fetch(`${api.baseUrl}${path}`, { headers: { authorization: `Bearer ${user.token}` } }).then(
      async (response) => (await response.arrayBuffer(), response),
    );
  await timeSequential(3, get);
  const timed = await timeSequential(settings.analyticsRequests, get);
  return {
    available: true,
    rows: settings.analyticsRows,
    seedS,
    totalInWindow: first.body?.totals?.total ?? null,
    requests: settings.analyticsRequests,
    statuses: timed.statuses,
    latencyMs: timed.latency,
  };
}
