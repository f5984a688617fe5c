#!/usr/bin/env node
// npm run bench:writes: what each index on executions, and the per-run audit row, costs the run path per run, and which read needs it.
// On a scratch database (migrated, seeded with history) cloned once per measurement: admit, claim and finish N runs in batches as the
// group commit sends them, with all indexes and with each one dropped (variants interleaved over rounds, medians reported); then
// EXPLAIN ANALYZE of the real reads with all indexes and with each index their plan uses dropped. Prints a markdown table and writes
// bench/results/write-amplification-<timestamp>.json. Drops every database it made, also on failure or Ctrl-C.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { localSocketUrl } from '../scripts/local-postgres-socket.mjs';
import { cleanupOnExit } from './lib/cleanup.mjs';
import { processCpuMs } from './lib/cpu-meter.mjs';
import { ROOT, round, spawnNode } from './lib/processes.mjs';
import { connect, createDatabase } from './lib/stores.mjs';
import { ADMIT_BATCH, CLAIM_BATCH, FINISH_BATCH, READS } from './lib/write-amplification-statements.mjs';

const LOCAL_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const int = (name, fallback) => (process.env[name] ? Number.parseInt(process.env[name], 10) : fallback);
const settings = {
  // As npm run bench connects: through the local server's Unix socket when it has one.
  postgresUrl: process.env.BENCH_POSTGRES_URL ?? (await localSocketUrl(LOCAL_POSTGRES_URL)) ?? LOCAL_POSTGRES_URL,
  runs: int('BENCH_WRITES_RUNS', 10000),
  batch: int('BENCH_WRITES_BATCH', 20),
  rounds: int('BENCH_WRITES_ROUNDS', 3),
  warmupRuns: int('BENCH_WRITES_WARMUP_RUNS', 1000),
  // A variant that makes runs far slower stops after this long: its per-run figures come from the runs it made.
  variantSeconds: int('BENCH_WRITES_VARIANT_SECONDS', 10),
  walSampleBatches: 5,
  historyRows: int('BENCH_WRITES_HISTORY_ROWS', 200000),
  owners: 8,
  workflowsPerOwner: 3,
  readRepeats: int('BENCH_WRITES_READ_REPEATS', 5),
  timeoutS: int('BENCH_WRITES_TIMEOUT_SECONDS', 900),
  resultsDir: process.env.BENCH_RESULTS_DIR ?? join(ROOT, 'bench', 'results'),
};
const log = (message) => console.log(`[writes ${new Date().toISOString().slice(11, 19)}] ${message}`);
const median = (values) => {
  const sorted = values.filter((value) => value !== null).sort((a, b) => a - b);
  return sorted.length === 0 ? null : sorted[Math.floor((sorted.length - 1) / 2)];
};

const EXECUTION_INDEXES = ['ix_executions_owner_created', 'ix_executions_owner_live', 'ix_executions_workflow_created'];
const AUDIT_INDEXES = ['ix_audit_logs_action_at', 'ix_audit_logs_actor_at', 'ix_audit_logs_at'];
const TRANSFORM_STEPS = [{ id: 'double', type: 'transform', params: { expression: 'input.n * 2' } }];

// What each variant changes in its clone; `cost` names the row of the table it prices (as shipped minus the variant).
const WRITE_VARIANTS = [
  { name: 'as shipped', drop: [], audit: true },
  ...EXECUTION_INDEXES.map((index) => ({ name: `without ${index}`, drop: [index], audit: true, cost: index })),
  // With none of them, no indexed column changes on claim and finish: the updates can be HOT.
  { name: 'executions: pk only', drop: EXECUTION_INDEXES, audit: true, cost: 'all three executions indexes', reads: 'see the rows above' },
  { name: 'no audit argument', drop: [], audit: false, cost: 'audit row (run.request)', reads: 'AuditService.list: see the next row' },
  { name: 'audit_logs: pk only', drop: AUDIT_INDEXES, audit: true, cost: 'audit_logs secondary indexes (3)' },
];

// Cleanup: every database made, once, whatever ends the run.
const cleanups = cleanupOnExit('writes', settings.timeoutS);

/** A copy of `template` (which must have no connections); FILE_COPY starts every copy right after a checkpoint, alike. */
async function cloneDatabase(template, name) {
  const admin = await connect(settings.postgresUrl);
  try {
    await admin.rows(`CREATE DATABASE "${name}" TEMPLATE "${template.name}" STRATEGY FILE_COPY`);
  } finally {
    await admin.end();
  }
  const url = new URL(template.url);
  url.pathname = `/${name}`;
  const drop = async () => {
    const admin = await connect(settings.postgresUrl);
    await admin.rows(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).finally(() => admin.end());
  };
  return { name, url: url.toString(), drop };
}

async function migrate(databaseUrl) {
  const env = {
    NODE_ENV: 'production',
    ENV_FILE: 'none',
    METRICS_PUBLIC: 'true',
    DATABASE_URL: databaseUrl,
    JWT_SECRET: randomBytes(32).toString('hex'),
    ENCRYPTION_KEYS: `v1:${randomBytes(32).toString('base64')}`,
  };
  const cli = spawnNode('migrate', resolve(ROOT, 'dist/apps/cli/main.js'), env, { args: ['migrate'] });
  const code = await cli.exited;
  if (code !== 0) throw new Error(`migrate failed (${code}):\n${cli.output}`);
}

/** Owners (the first one has half of the history: the heavy reader), their workflows, history and audit trail as the api writes them. */
async function seed(db) {
  const owners = [];
  for (let i = 0; i < settings.owners; i++) {
    const email = `writes-${i}-${Date.now()}@bench.flowline.test`;
    owners.push((await db.one(`INSERT INTO users (email, password_hash, tier) VALUES ($1, 'x', 'enterprise') RETURNING id`, [email])).id);
  }
  const workflows = [];
  for (const owner of owners) {
    for (let w = 0; w < settings.workflowsPerOwner; w++) {
      const sql = `INSERT INTO workflows (owner_id, name, steps) VALUES ($1, $2, $3::jsonb) RETURNING id`;
      workflows.push((await db.one(sql, [owner, `bench ${w}`, JSON.stringify(TRANSFORM_STEPS)])).id);
    }
  }
  // The analytics phase's history rows (bench/lib/phases.mjs), spread over owners and workflows and 60 days.
  await db.rows(
    `INSERT INTO executions (id, owner_id, workflow_id, status, trigger, region, queue, priority, definition, deliveries, request_id,
                             created_at, started_at, finished_at, duration_ms)
     SELECT gen_random_uuid(), ($1::uuid[])[s.o + 1], ($2::uuid[])[s.o * $4 + s.w + 1], s.status, 'manual', 'us-east-1', 'us-east-1-default',
            10, $5::jsonb, 1, gen_random_uuid()::text, s.created, s.created + interval '3 milliseconds',
            s.created + make_interval(secs => (s.duration + 3) / 1000.0), s.duration
       FROM (SELECT now() - (g::double precision / $3) * interval '60 days' AS created,
                    CASE WHEN g % 2 = 0 THEN 0 ELSE 1 + (g / 2) % (cardinality($1::uuid[]) - 1) END AS o, (g / 16) % $4 AS w,
                    CASE WHEN g % 20 < 16 THEN 'succeeded' WHEN g % 20 < 19 THEN 'failed' ELSE 'cancelled' END AS status,
                    (5 + (g * 7919) % 4000)::int AS duration
               FROM generate_series(1, $3::int) AS g) s`,
    [owners, workflows, settings.historyRows, settings.workflowsPerOwner, JSON.stringify(TRANSFORM_STEPS)],
  );
  // A few queued and running runs per owner, some old enough for the reconciler; runs wait only for the last owner (a limited owner at
  // its cap): an owner without a limit never has any.
  await db.rows(
    `INSERT INTO executions (id, owner_id, workflow_id, status, trigger, region, queue, priority, definition, deliveries, created_at, started_at)
     SELECT gen_random_uuid(), o.id, w.id, s.status, 'manual', 'us-east-1', 'us-east-1-default', 10, $2::jsonb,
            CASE WHEN s.status = 'running' THEN 1 ELSE 0 END, now() - g * interval '20 seconds',
            CASE WHEN s.status = 'running' THEN now() - g * interval '20 seconds' END
       FROM unnest($1::uuid[]) AS o(id)
       CROSS JOIN LATERAL (SELECT id FROM workflows WHERE owner_id = o.id LIMIT 1) w
       CROSS JOIN unnest(ARRAY['waiting', 'queued', 'running']) AS s(status)
       CROSS JOIN generate_series(1, 5) AS g
      WHERE s.status <> 'waiting' OR o.id = ($1::uuid[])[cardinality($1::uuid[])]`,
    [owners, JSON.stringify(TRANSFORM_STEPS)],
  );
  await db.rows(
    `INSERT INTO audit_logs (at, actor_id, action, target_type, target_id, ip, user_agent, request_id, metadata)
     SELECT created_at, owner_id, 'run.request', 'workflow', workflow_id::text, '203.0.113.7', 'flowline-sdk/1.4 node/20', request_id,
            jsonb_build_object('executionId', id, 'trigger', trigger, 'region', region, 'status', 'queued')
       FROM executions`,
  );
  await db.rows(
    `INSERT INTO audit_logs (at, actor_id, action, ip, user_agent, request_id)
     SELECT created_at - interval '1 second', owner_id, 'auth.login', '203.0.113.7', 'Mozilla/5.0', gen_random_uuid()::text
       FROM executions TABLESAMPLE BERNOULLI (10)`,
  );
  // What autovacuum does after a bulk insert: statistics and the visibility map (index-only scans).
  await db.rows(`VACUUM (ANALYZE) executions, audit_logs, users, workflows`);
  const execution = (await db.one(`SELECT id FROM executions WHERE owner_id = $1 LIMIT 1`, [owners[0]])).id;
  return { owners, workflows, owner: owners[0], workflow: workflows[0], execution, waitingOwner: owners.at(-1) };
}

const REGION_QUEUES = { 'us-east-1': 'us-east-1-default', 'eu-west-1': 'eu-west-1-default' };
// An enterprise owner's limits (none): admission then reads no usage, so the variants differ only in what they write.
const NO_LIMITS = { maxConcurrent: null, daily: null, queueWhenBusy: false, maxWaiting: 100 };
const USER_AGENT = 'flowline-sdk/1.4 node/20';

/** Run `i`'s AdmitArgument as RunAdmission builds it; its audit row as RunsService sends it (AuditService.rowFor). */
function admissionOf(ids, i, withAudit) {
  const owner = i % ids.owners.length;
  const ownerId = ids.owners[owner];
  const workflowId = ids.workflows[owner * settings.workflowsPerOwner + (i % settings.workflowsPerOwner)];
  const id = randomUUID();
  const requestId = randomUUID();
  return {
    id,
    ownerId,
    workflowId,
    trigger: 'manual',
    priority: 10,
    input: { n: 21 },
    requestId,
    resultAwaited: false,
    region: { requested: null, preferred: null, default: 'us-east-1' },
    queues: REGION_QUEUES,
    limits: NO_LIMITS,
    audit: withAudit
      ? {
          actorId: ownerId,
          action: 'run.request',
          targetType: 'workflow',
          targetId: workflowId,
          ip: '203.0.113.7',
          userAgent: USER_AGENT,
          requestId,
          metadata: { executionId: id, trigger: 'manual' },
        }
      : null,
  };
}

/** The worker's finish of a one-step run: the step's record goes with the final state. */
function finishOf(id) {
  const step = { executionId: id, delivery: 1, stepId: 'double', position: 0, status: 'succeeded', output: 42, error: null };
  return {
    id,
    delivery: 1,
    status: 'succeeded',
    output: 42,
    error: null,
    lastStep: { ...step, attempts: 1, startedAt: new Date().toISOString(), durationMs: 1 },
  };
}

/** The statements' arguments for every batch, built before the clock starts; each batch in owner order, as the group commit sends it. */
function buildBatches(ids, runs, withAudit) {
  const batches = [];
  for (let start = 0; start < runs; start += settings.batch) {
    const admissions = [];
    for (let i = start; i < Math.min(runs, start + settings.batch); i++) admissions.push(admissionOf(ids, i, withAudit));
    admissions.sort((a, b) => a.ownerId.localeCompare(b.ownerId));
    batches.push({
      size: admissions.length,
      admit: JSON.stringify(admissions),
      claim: JSON.stringify(admissions.map(({ id }) => ({ id, worker_id: 'bench-worker-1' }))),
      finish: JSON.stringify(admissions.map(({ id }) => finishOf(id))),
    });
  }
  return batches;
}

/** One run's life: admitted, claimed, finished; checks each statement did its work, so a no-op is never timed. */
async function runBatch(db, batch) {
  const refused = (await db.rows(ADMIT_BATCH, [batch.admit])).find((row) => row.decision !== 'queued');
  if (refused) throw new Error(`admission refused: ${refused.decision}`);
  const claimed = await db.rows(CLAIM_BATCH, [batch.claim]);
  if (claimed.length !== batch.size) throw new Error(`claimed ${claimed.length} of ${batch.size}`);
  const finished = await db.rows(FINISH_BATCH, [batch.finish]);
  if (finished.some((row) => row.finished_owner === null)) throw new Error('a finish did not take');
}

/** Runs the batches in order until they are done or `seconds` have passed; how many runs it made. */
async function runBatches(db, batches, seconds) {
  const stopAt = performance.now() + seconds * 1000;
  let runs = 0;
  for (const batch of batches) {
    await runBatch(db, batch);
    runs += batch.size;
    if (performance.now() > stopAt) break;
  }
  return runs;
}

/** WAL written per run by the three statements (EXPLAIN's WAL counters include the functions' statements; commits aside). */
async function walPerRun(db, batches) {
  const total = { records: 0, fpi: 0, bytes: 0, runs: 0 };
  const explain = async (statement, argument) => {
    const [row] = await db.rows(`EXPLAIN (ANALYZE, WAL, TIMING OFF, FORMAT JSON) ${statement.text}`, [argument]);
    const plan = row['QUERY PLAN'][0].Plan;
    total.records += plan['WAL Records'];
    total.fpi += plan['WAL FPI'];
    total.bytes += plan['WAL Bytes'];
  };
  for (const batch of batches) {
    for (const [statement, argument] of [
      [ADMIT_BATCH, batch.admit],
      [CLAIM_BATCH, batch.claim],
      [FINISH_BATCH, batch.finish],
    ])
      await explain(statement, argument);
    total.runs += batch.size;
  }
  return { records: round(total.records / total.runs, 1), fpi: round(total.fpi / total.runs, 2), bytes: round(total.bytes / total.runs) };
}

/** One variant on its own clone of the template: warm-up, the timed runs (wall and the backend's CPU), then a WAL sample. */
async function measureVariant(template, ids, variant, label) {
  const clone = await cloneDatabase(template, `${template.name}_${label}`);
  cleanups.add(() => clone.drop());
  const db = await connect(clone.url);
  try {
    for (const index of variant.drop) await db.rows(`DROP INDEX ${index}`);
    const warmup = settings.warmupRuns;
    const batches = buildBatches(ids, warmup + settings.runs + settings.walSampleBatches * settings.batch, variant.audit);
    const cut = (runs) => runs / settings.batch;
    await runBatches(db, batches.slice(0, cut(warmup)), settings.variantSeconds / 4);
    const { pid } = await db.one(`SELECT pg_backend_pid() AS pid`);
    const [cpuBefore, startedAt] = [processCpuMs(pid), performance.now()];
    const runs = await runBatches(db, batches.slice(cut(warmup), cut(warmup + settings.runs)), settings.variantSeconds);
    const [wallMs, cpuMs] = [performance.now() - startedAt, processCpuMs(pid) - cpuBefore];
    const wal = await walPerRun(db, batches.slice(cut(warmup + settings.runs)));
    return { runs, wallUs: round((wallMs * 1000) / runs, 1), cpuUs: round((cpuMs * 1000) / runs, 1), wal };
  } finally {
    await db.end();
    await clone.drop();
  }
}

/** Rounds of every variant, each round in a rotated order, so drift of the machine falls on all variants alike. */
async function measureWrites(template, ids) {
  const rounds = [];
  for (let r = 0; r < settings.rounds; r++) {
    const order = WRITE_VARIANTS.map((_, i) => WRITE_VARIANTS[(i + r) % WRITE_VARIANTS.length]);
    const measured = {};
    for (const variant of order) {
      const label = `r${r}_${WRITE_VARIANTS.indexOf(variant)}`;
      measured[variant.name] = await measureVariant(template, ids, variant, label);
      const { runs, wallUs, cpuUs, wal } = measured[variant.name];
      log(
        `round ${r + 1}/${settings.rounds} ${variant.name}: ${runs} runs, ${wallUs} µs wall, ${cpuUs} µs CPU, ${wal.records} WAL records per run`,
      );
    }
    rounds.push(measured);
  }
  return WRITE_VARIANTS.map((variant) => {
    const of = (pick) => median(rounds.map((measured) => pick(measured[variant.name])));
    // Paired with the same round's "as shipped": what the dropped thing cost, round by round.
    const saved = (pick) => median(rounds.map((measured) => pick(measured['as shipped']) - pick(measured[variant.name])));
    return {
      ...variant,
      wallUs: of((m) => m.wallUs),
      cpuUs: of((m) => m.cpuUs),
      walRecords: of((m) => m.wal.records),
      walBytes: of((m) => m.wal.bytes),
      costWallUs: round(
        saved((m) => m.wallUs),
        1,
      ),
      costCpuUs: round(
        saved((m) => m.cpuUs),
        1,
      ),
      costWalRecords: round(
        saved((m) => m.wal.records),
        1,
      ),
      costWalBytes: round(saved((m) => m.wal.bytes)),
      rounds: rounds.map((measured) => measured[variant.name]),
    };
  });
}

/** Scan nodes of a plan, as "Index Only Scan ix_…" / "Seq Scan executions". */
function scansOf(plan, found = []) {
  if (plan['Index Name'] || (plan['Relation Name'] && plan['Node Type'].includes('Scan')))
    found.push(`${plan['Node Type']} ${plan['Index Name'] ?? plan['Relation Name']}`);
  for (const child of plan.Plans ?? []) scansOf(child, found);
  return found;
}

/** The read's plan and its median execution time, each try in a savepoint rolled back (the purges delete, promote updates). */
async function explainRead(db, read, ids) {
  const times = [];
  let plan = null;
  for (let attempt = 0; attempt <= settings.readRepeats; attempt++) {
    await db.rows('SAVEPOINT read');
    for (const statement of read.settings ?? []) await db.rows(statement);
    const [row] = await db.rows(`EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, FORMAT JSON) ${read.sql}`, read.params(ids));
    await db.rows('ROLLBACK TO SAVEPOINT read');
    [plan] = row['QUERY PLAN'];
    if (attempt > 0) times.push(plan['Execution Time'] + plan['Planning Time']); // the first warms the cache
  }
  const scans = [...new Set(scansOf(plan.Plan))];
  return {
    plan: plan.Plan,
    scans,
    indexes: [...new Set(scans.map((scan) => scan.split(' ').at(-1)).filter((name) => name.startsWith('ix_')))],
    ms: median(times),
  };
}

/** Every read with all indexes, then again with each index its plan used dropped (in a transaction, rolled back). */
async function measureReads(template, ids) {
  const clone = await cloneDatabase(template, `${template.name}_reads`);
  cleanups.add(() => clone.drop());
  const db = await connect(clone.url);
  try {
    const results = [];
    for (const read of READS) {
      await db.rows('BEGIN');
      const measured = { name: read.name, source: read.source, ...(await explainRead(db, read, ids)), without: {} };
      await db.rows('ROLLBACK');
      for (const index of measured.indexes) {
        await db.rows('BEGIN');
        await db.rows(`DROP INDEX ${index}`);
        const { scans, ms } = await explainRead(db, read, ids);
        measured.without[index] = { scans, ms };
        await db.rows('ROLLBACK');
      }
      results.push(measured);
    }
    return results;
  } finally {
    await db.end();
    await clone.drop();
  }
}

const µs = (value) => (value === null ? '—' : value.toLocaleString('en-US', { maximumFractionDigits: 1 }));
const ms = (value) => (value === null ? '—' : value < 10 ? value.toFixed(2) : value.toFixed(0));

/** The table the brief asks for: what each index (or the audit row) costs a run, and which reads pay for it. */
const COST_NOTE =
  'A row\'s write cost is "as shipped" minus the variant without it, paired round by round (median): negative means the run ' +
  'path is faster with it, because one of its own statements reads through it. WAL bytes include full-page images.';

function costTable(writes, reads) {
  const shipped = writes.find((variant) => variant.name === 'as shipped');
  const readsUsing = (indexes) =>
    reads
      .flatMap((read) => indexes.filter((index) => read.indexes.includes(index)).map((index) => ({ read, index })))
      .map(({ read, index }) => `${read.name} (${index.replace(/^ix_\w+?_/, '')}): ${ms(read.ms)} → ${ms(read.without[index].ms)} ms`);
  const lines = [
    '| Index / row | Write cost per run: wall µs | CPU µs (PostgreSQL backend) | WAL records / bytes per run ' +
      '| Reads whose plan uses it: time with → without it |',
    '|---|---|---|---|---|',
    `| the whole run path, as shipped | ${µs(shipped.wallUs)} | ${µs(shipped.cpuUs)} | ${shipped.walRecords} / ${shipped.walBytes} | |`,
  ];
  for (const variant of writes.filter((candidate) => candidate.cost)) {
    const used = readsUsing(variant.drop);
    const cell = variant.reads ?? (used.length > 0 ? used.join('; ') : '**no read uses it**');
    lines.push(
      `| ${variant.cost} | ${µs(variant.costWallUs)} | ${µs(variant.costCpuUs)} | ${variant.costWalRecords} / ${variant.costWalBytes} | ${cell} |`,
    );
  }
  return lines.join('\n');
}

function planTable(reads) {
  const lines = ['| Read (source) | Plan, all indexes | ms | Without the index it uses: plan, ms |', '|---|---|---|---|'];
  for (const read of reads) {
    const without = Object.entries(read.without).map(([index, other]) => `−${index}: ${other.scans.join(', ')}, ${ms(other.ms)} ms`);
    lines.push(`| ${read.name} (${read.source}) | ${read.scans.join(', ')} | ${ms(read.ms)} | ${without.join('; ') || '—'} |`);
  }
  const sequential = reads.filter((read) => read.scans.some((scan) => /^Seq Scan (executions|audit_logs)$/.test(scan)));
  lines.push('', `Reads that scan a whole table with every index in place: ${sequential.map((read) => read.name).join('; ') || 'none'}.`);
  return lines.join('\n');
}

async function main() {
  if (!existsSync(resolve(ROOT, 'dist/apps/cli/main.js'))) throw new Error('dist/apps/cli/main.js is missing: run npm run build first');
  const startedAt = new Date().toISOString();
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model.trim(), loadAverageBefore: loadavg().map((value) => round(value, 2)) };
  log(`load average ${machine.loadAverageBefore.join(' ')} on ${machine.cpus} CPUs`);
  const template = await createDatabase(
    settings.postgresUrl,
    `flowline_writes_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`,
  );
  cleanups.add(() => template.drop());
  await migrate(template.url);
  const db = await connect(template.url);
  machine.postgres = (await db.one('SHOW server_version')).server_version.split(' ')[0];
  log(`seeding ${settings.historyRows} executions of history (and their audit rows) in ${template.name}`);
  const ids = await seed(db).finally(() => db.end());

  log(
    `writes: ${settings.runs} runs per variant in batches of ${settings.batch}, ${WRITE_VARIANTS.length} variants × ${settings.rounds} rounds`,
  );
  const writes = await measureWrites(template, ids);
  log(`reads: ${READS.length} reads, EXPLAIN ANALYZE × ${settings.readRepeats}`);
  const reads = await measureReads(template, ids);

  machine.loadAverageAfter = loadavg().map((value) => round(value, 2));
  const results = {
    startedAt,
    finishedAt: new Date().toISOString(),
    settings: { ...settings, postgresUrl: undefined },
    machine,
    writes,
    reads,
  };
  console.log(
    `\nMeasured ${startedAt.slice(0, 16).replace('T', ' ')} UTC, PostgreSQL ${machine.postgres}, ${machine.cpus} × ${machine.cpuModel}; ` +
      `load average ${machine.loadAverageBefore.join(' / ')} before, ${machine.loadAverageAfter.join(' / ')} after. ` +
      `Up to ${settings.runs} runs (or ${settings.variantSeconds} s) per variant in batches of ${settings.batch}, ${settings.rounds} rounds ` +
      `interleaved (medians), on ${settings.historyRows} executions of history.\n`,
  );
  console.log(`${costTable(writes, reads)}\n\n${COST_NOTE}\n\n${planTable(reads)}\n`);
  mkdirSync(settings.resultsDir, { recursive: true });
  const file = join(settings.resultsDir, `write-amplification-${startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`results: ${file}`);
}

let exitCode = 0;
try {
  await main();
} catch (error) {
  console.error(`writes failed: ${error instanceof Error ? error.stack : String(error)}`);
  exitCode = 1;
} finally {
  await cleanups.run();
}
process.exit(exitCode);
