// The statements bench/write-amplification.mjs measures (bench/ cannot import the bundled TypeScript).
// The run path's statements, copied from libs/executions/src: ADMIT_BATCH (execution-admission.repository.ts), CLAIM_BATCH and
// FINISH_BATCH (execution-run.repository.ts). Sent as the same named (prepared) statements; keep them in step with the repositories.
export const ADMIT_BATCH = {
  name: 'flowline_admit_executions',
  text: `SELECT r.decision, r.admitted_region, r.admitted_queue, r.admitted_at, r.usage_active, r.usage_waiting, r.usage_today
     FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS a(admission, n)
     CROSS JOIN LATERAL flowline_admit_execution(a.admission) AS r
    ORDER BY a.n`,
};
export const CLAIM_BATCH = {
  name: 'flowline_claim_executions',
  text: `UPDATE executions x
      SET status = 'running', worker_id = c.worker_id, started_at = COALESCE(x.started_at, clock_timestamp()), deliveries = x.deliveries + 1
     FROM jsonb_to_recordset($1::jsonb) AS c(id uuid, worker_id text)
    WHERE x.id = c.id AND x.status IN ('queued', 'running')
    RETURNING x.id, x.owner_id, x.definition, x.input, x.deliveries, x.result_awaited`,
};
export const FINISH_BATCH = {
  name: 'flowline_finish_executions',
  text: `SELECT r.finished_owner, r.finished_region, r.finished_duration_ms, r.owner_tier, r.owner_has_waiting
     FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS a(finish, n)
     CROSS JOIN LATERAL flowline_finish_execution(a.finish) AS r
    ORDER BY a.n`,
};

// The reads, copied from the repositories named in `source` (TypeORM's findAndCount as it renders: the page, then COUNT(1)).
// `params(ids)` fills them with the seeded big owner, its first workflow and all owners; `settings` are the SET LOCALs the caller makes.
const LIST_PAGE = (filter) => `SELECT e.* FROM executions e WHERE e.owner_id = $1 AND ${filter}
  AND e.created_at >= now() - make_interval(days => 365) ORDER BY e.created_at DESC, e.id ASC LIMIT 20 OFFSET 20`;
const LIST_COUNT = (filter) =>
  `SELECT COUNT(1) AS cnt FROM executions e WHERE e.owner_id = $1 AND ${filter} AND e.created_at >= now() - make_interval(days => 365)`;
const ANALYTICS_DAILY = (scope) => `
  WITH daily AS (
    SELECT date_bin('1 day', e.created_at, timestamptz '2000-01-01 00:00:00+00') AS day, count(*)::int AS total,
           count(*) FILTER (WHERE e.status = 'succeeded')::int AS succeeded, count(*) FILTER (WHERE e.status = 'failed')::int AS failed,
           count(*) FILTER (WHERE e.status = 'cancelled')::int AS cancelled
      FROM executions e WHERE ${scope} AND e.created_at >= $2 AND e.created_at <= $3 GROUP BY 1)
  SELECT to_char(d.day, 'YYYY-MM-DD') AS date, coalesce(x.total, 0) AS total, coalesce(x.succeeded, 0) AS succeeded,
         coalesce(x.failed, 0) AS failed, coalesce(x.cancelled, 0) AS cancelled
    FROM generate_series($2::timestamptz AT TIME ZONE 'UTC', $3::timestamptz AT TIME ZONE 'UTC', interval '1 day') AS d(day)
    LEFT JOIN daily x ON x.day = d.day AT TIME ZONE 'UTC' ORDER BY d.day`;
const ANALYTICS_PERCENTILES = (scope) => `
  SELECT percentile_cont(ARRAY[0.5, 0.95]::float8[]) WITHIN GROUP (ORDER BY e.duration_ms) AS percentiles FROM executions e
   WHERE ${scope} AND e.created_at >= $2 AND e.created_at <= $3 AND e.status IN ('succeeded', 'failed', 'cancelled')`;
const ANALYTICS_SETTINGS = [`SET LOCAL random_page_cost = 1.1`, `SET LOCAL work_mem = '32MB'`];
const AUDIT_PAGE = (filter) => `SELECT a.* FROM audit_logs a WHERE ${filter} ORDER BY a.at DESC, a.id DESC LIMIT 20`;
const AUDIT_COUNT = (filter) => `SELECT COUNT(1) AS cnt FROM audit_logs a WHERE ${filter}`;
const window30 = () => [new Date(Date.now() - 30 * 86400000).toISOString(), new Date().toISOString()];

export const READS = [
  { name: 'list by owner: page 2', source: 'ExecutionReadRepository.list', sql: LIST_PAGE('true'), params: (ids) => [ids.owner] },
  { name: 'list by owner: count', source: 'ExecutionReadRepository.list', sql: LIST_COUNT('true'), params: (ids) => [ids.owner] },
  ...[
    ['list by owner + workflow', 'e.workflow_id = $2', (ids) => [ids.owner, ids.workflow]],
    ['list by owner + status running', `e.status = 'running'`, (ids) => [ids.owner]],
  ].flatMap(([name, filter, params]) => [
    { name: `${name}: page 2`, source: 'ExecutionReadRepository.list', sql: LIST_PAGE(filter), params },
    { name: `${name}: count`, source: 'ExecutionReadRepository.list', sql: LIST_COUNT(filter), params },
  ]),
  ...[
    ['by owner', 'e.owner_id = $1', (ids) => [ids.owner, ...window30()]],
    ['by workflow', 'e.owner_id = $1 AND e.workflow_id = $4', (ids) => [ids.owner, ...window30(), ids.workflow]],
  ]
    .flatMap(([scope, filter, params]) => [
      { name: `analytics ${scope}: daily`, source: 'ExecutionAnalyticsRepository', sql: ANALYTICS_DAILY(filter), params },
      { name: `analytics ${scope}: percentiles`, source: 'ExecutionAnalyticsRepository', sql: ANALYTICS_PERCENTILES(filter), params },
    ])
    .map((read) => ({ ...read, settings: ANALYTICS_SETTINGS })),
  {
    name: 'live usage: active + waiting',
    source: 'flowline_live_usage.sql (admission with a limit)',
    sql: `SELECT count(*) FILTER (WHERE e.status IN ('queued', 'running')), count(*) FILTER (WHERE e.status = 'waiting')
            FROM executions e WHERE e.owner_id = $1 AND e.status IN ('waiting', 'queued', 'running')`,
    params: (ids) => [ids.owner],
  },
  {
    name: 'live usage: today',
    source: 'flowline_live_usage.sql (admission with a limit)',
    sql: `SELECT count(*) FROM executions e
           WHERE e.owner_id = $1 AND e.created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`,
    params: (ids) => [ids.owner],
  },
  {
    name: 'finish: owner has waiting runs',
    source: 'flowline_finish_execution.sql (every finish)',
    sql: `SELECT EXISTS (SELECT 1 FROM executions w WHERE w.owner_id = $1 AND w.status = 'waiting')`,
    params: (ids) => [ids.owner],
  },
  {
    name: 'promote waiting runs',
    source: 'ExecutionAdmissionRepository PROMOTE',
    sql: `UPDATE executions SET status = 'queued'
           WHERE id IN (SELECT id FROM executions WHERE owner_id = $1 AND status = 'waiting' ORDER BY created_at, id LIMIT $2 FOR UPDATE)
          RETURNING id, region, priority, request_id, created_at`,
    params: (ids) => [ids.waitingOwner, 10],
  },
  {
    name: 'reconciler: owners with waiting',
    source: 'ExecutionRunRepository OWNERS_WITH_WAITING',
    sql: `SELECT DISTINCT owner_id FROM executions WHERE status = 'waiting' LIMIT $1`,
    params: () => [1000],
  },
  {
    name: 'reconciler: stale runs',
    source: 'ExecutionRunRepository STALE',
    sql: `SELECT id, region, priority, request_id FROM executions
           WHERE (status = 'queued' AND created_at < now() - make_interval(secs => $2))
              OR (status = 'running' AND started_at < now() - make_interval(secs => $1))
           ORDER BY created_at LIMIT $3`,
    params: () => [90, 30, 500],
  },
  {
    name: 'retention purge: one batch (30-day window)',
    source: 'ExecutionMaintenanceRepository DELETE_PAST_RETENTION',
    sql: `WITH windows AS (SELECT * FROM unnest($1::uuid[], $2::int[]) AS w(owner_id, days)),
          doomed AS (
            SELECT old.id FROM windows w CROSS JOIN LATERAL (
              SELECT e.id FROM executions e
               WHERE e.owner_id = w.owner_id AND e.created_at < now() - make_interval(days => w.days)
                 AND e.status IN ('succeeded', 'failed', 'cancelled')
               LIMIT $3) old
             LIMIT $3),
          deleted AS (DELETE FROM executions e USING doomed WHERE e.id = doomed.id RETURNING e.owner_id)
          SELECT count(*)::int AS deleted, coalesce(array_agg(DISTINCT owner_id), '{}') AS owners FROM deleted`,
    params: (ids) => [ids.owners, ids.owners.map(() => 30), 5000],
  },
  {
    name: 'find by id',
    source: 'ExecutionReadRepository.find',
    sql: `SELECT * FROM executions WHERE id = $1 AND owner_id = $2`,
    params: (ids) => [ids.execution, ids.owner],
  },
  ...[
    ['audit list by actor', 'a.actor_id = $1', (ids) => [ids.owner]],
    ['audit list by action auth.login', `a.action = $1`, () => ['auth.login']],
    ['audit list, last day', `a.at BETWEEN $1 AND $2`, () => [new Date(Date.now() - 86400000).toISOString(), new Date().toISOString()]],
    ['audit list, no filter', 'true', () => []],
  ].flatMap(([name, filter, params]) => [
    { name: `${name}: page 1`, source: 'AuditService.list', sql: AUDIT_PAGE(filter), params },
    { name: `${name}: count`, source: 'AuditService.list', sql: AUDIT_COUNT(filter), params },
  ]),
  {
    name: 'audit retention purge: one batch',
    source: 'libs/retention AuditLogRetentionTask',
    sql: `WITH doomed AS (
            SELECT id FROM audit_logs
             WHERE at < now() - make_interval(days => COALESCE((SELECT retention_days FROM audit_log_settings WHERE id), 36500))
             ORDER BY at LIMIT $1),
          deleted AS (DELETE FROM audit_logs a USING doomed WHERE a.id = doomed.id RETURNING 1)
          SELECT count(*)::int AS deleted FROM deleted`,
    params: () => [5000],
  },
];
