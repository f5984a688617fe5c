import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './processes.mjs';

const README_START = '<!-- bench:start -->';
const README_END = '<!-- bench:end -->';

const n = (value, unit = '') => (value === null || value === undefined ? '—' : `${Number(value).toLocaleString('en-US')}${unit}`);
const pct = (value) => (value === null || value === undefined || !Number.isFinite(value) ? '—' : `${Math.round(value * 100)}%`);
const met = (ok) => (ok === null ? '—' : ok ? 'yes' : 'no');
const ratio = (a, b) => (a === null || a === undefined || !b ? null : a / b);

/**
 * The modes a run measured, Redis first: the Redis mode's figures are at the top level of the results (as
 * before there were two modes), the PostgreSQL mode's under `postgres`. The issue's targets are the Redis
 * mode's; with the queues in PostgreSQL its own (end to end ≥ 400 runs/s) and those that hold whatever
 * the store (no errors, memory).
 */
function queueModes(results) {
  const { baseline, accept, endToEnd, reject, memory } = results;
  const modes = [{ store: 'Redis', inRedis: true, baseline, accept, endToEnd, reject, memory }];
  if (results.postgres) modes.push({ store: 'PostgreSQL', inRedis: false, ...results.postgres });
  return modes;
}

/** `Head (queues in Redis): rest` */
const label = (head, { store }, rest) => `${head} (queues in ${store})${rest ? `: ${rest}` : ''}`;
/** A target and whether it is met, for the Redis mode only. */
const redisTarget = ({ inRedis }, target, met) => (inRedis ? [target, met] : ['', null]);

/** The figures, their targets from the issue, and whether each is met; null where a phase did not run. */
export function buildRows(results) {
  const { analytics, machine } = results;
  const modes = queueModes(results);
  const rows = [];
  // Each measure once per mode, one row under the other, so that the two stores read side by side.
  const each = (row) => {
    for (const mode of modes) {
      const built = row(mode);
      if (built) rows.push(built);
    }
  };
  each(
    (mode) =>
      mode.baseline && [
        label('Baseline', mode, `BullMQ add(), ${mode.baseline.inFlight} in flight`),
        n(mode.baseline.addPerSec, ' jobs/s'),
        '',
        null,
      ],
  );
  each(
    (mode) =>
      mode.baseline && [
        label('Baseline', mode, `1 worker process (concurrency ${mode.baseline.workerConcurrency}, 1 INSERT per job), end to end`),
        n(mode.baseline.endToEndPerSec, ' jobs/s'),
        '',
        null,
      ],
  );
  each(
    ({ accept, ...mode }) =>
      accept && [
        label('Accept', mode, `POST /run/async, ${accept.connections} connections, ${accept.seconds} s`),
        n(accept.perSec, ' runs/s'),
        ...redisTarget(mode, '≥ 1,000 runs/s', accept.perSec >= 1000),
      ],
  );
  each(
    ({ accept, ...mode }) =>
      accept && [
        label('Accept latency', mode, 'p50 / p95 / p99'),
        `${n(accept.latencyMs.p50)} / ${n(accept.latencyMs.p95)} / ${n(accept.latencyMs.p99)} ms`,
        ...redisTarget(mode, 'p99 ≤ 50 ms', accept.latencyMs.p99 !== null && accept.latencyMs.p99 <= 50),
      ],
  );
  each(
    ({ accept, ...mode }) =>
      accept && [
        label('Accept errors', mode, 'non-2xx (and socket errors)'),
        `${n(accept.non2xx)} (${n(accept.errors)})`,
        '0',
        accept.non2xx === 0 && accept.errors === 0,
      ],
  );
  each(({ accept, baseline, ...mode }) => {
    if (!accept) return null;
    const base = baseline?.endToEndPerSec;
    return [
      label('Accept / baseline end to end', mode),
      pct(ratio(accept.perSec, base)),
      ...redisTarget(mode, '≥ 50%', base ? accept.perSec / base >= 0.5 : null),
    ];
  });
  each(
    ({ endToEnd, ...mode }) =>
      endToEnd && [
        label('End to end', mode, `executions finished per second during the load (1 worker, concurrency ${endToEnd.workerConcurrency})`),
        n(endToEnd.finishedInWindowPerSec, '/s'),
        ...(mode.inRedis ? ['', null] : ['≥ 400 runs/s', endToEnd.finishedInWindowPerSec >= 400]),
      ],
  );
  each(
    ({ endToEnd, baseline, ...mode }) =>
      endToEnd && [
        label('End to end', mode, 'accepted runs / (last finish − load start)'),
        `${n(endToEnd.perSec, '/s')} (${pct(ratio(endToEnd.perSec, baseline?.endToEndPerSec))} of baseline)`,
        '',
        null,
      ],
  );
  each(
    ({ endToEnd, accept, baseline, ...mode }) =>
      endToEnd && [
        label('CPU per run', mode, 'api (accept) / worker (execution)'),
        `${n(accept?.apiCpuMsPerRun)} / ${n(endToEnd.workerCpuMsPerExecution)} ms` +
          (baseline ? ` (baseline: ${n(baseline.producerCpuMsPerAdd)} per add / ${n(baseline.workerCpuMsPerJob)} per job)` : ''),
        '',
        null,
      ],
  );
  each(
    ({ endToEnd, ...mode }) =>
      endToEnd &&
      (mode.inRedis
        ? [
            label('CPU per run', mode, 'PostgreSQL (its backends) / Redis'),
            `${n(endToEnd.postgresCpuMsPerRun)} / ${n(endToEnd.redisCpuMsPerRun)} ms`,
            '',
            null,
          ]
        : [
            label('CPU per run', mode, "PostgreSQL (its backends, the queues' work included)"),
            n(endToEnd.postgresCpuMsPerRun, ' ms'),
            '',
            null,
          ]),
  );
  each(
    ({ endToEnd, ...mode }) =>
      endToEnd?.callsPerStatement && [
        label('Group commit', mode, 'runs per statement during the load (admit / job add / claim / finish)'),
        ['admit', 'job_add', 'claim', 'finish'].map((operation) => n(endToEnd.callsPerStatement[operation])).join(' / '),
        '',
        null,
      ],
  );
  each(
    ({ endToEnd, ...mode }) =>
      endToEnd && [
        label('Machine CPU busy', mode, `during accept + drain (${machine.cpus} cores, load generator included)`),
        pct(endToEnd.machineBusyShare),
        '',
        null,
      ],
  );
  each(
    ({ endToEnd, ...mode }) =>
      endToEnd && [
        label('Backlog', mode, 'at the end of the load → drained after'),
        `${n(endToEnd.backlogAtEnd)} → ${endToEnd.drained ? n(endToEnd.drainS, ' s') : 'not drained'}`,
        ...redisTarget(mode, '≤ 5 s', endToEnd.drained && endToEnd.drainS <= 5),
      ],
  );
  each(
    ({ reject, ...mode }) =>
      reject && [
        label('Rejections', mode, `429 CONCURRENCY_LIMIT, ${reject.connections} connections, ${reject.seconds} s`),
        n(reject.perSec, '/s'),
        ...redisTarget(mode, '≥ 3,000/s', reject.perSec >= 3000 && reject.other === 0),
      ],
  );
  each(
    ({ reject, ...mode }) =>
      reject && [
        label('CPU per rejection', mode, mode.inRedis ? 'api / PostgreSQL / Redis' : 'api / PostgreSQL'),
        [reject.apiCpuMsPerRequest, reject.postgresCpuMsPerRequest, ...(mode.inRedis ? [reject.redisCpuMsPerRequest] : [])]
          .map((value) => n(value))
          .join(' / ') + ' ms',
        '',
        null,
      ],
  );
  each(
    ({ reject, ...mode }) => reject && [label('Machine CPU busy', mode, 'during the rejections'), pct(reject.machineBusyShare), '', null],
  );
  each(
    ({ reject, ...mode }) =>
      reject && [
        label('Rejection latency', mode, 'p50 / p99 (other answers)'),
        `${n(reject.latencyMs.p50)} / ${n(reject.latencyMs.p99)} ms (${n(reject.other)})`,
        ...redisTarget(mode, 'p99 ≤ 20 ms', reject.latencyMs.p99 !== null && reject.latencyMs.p99 <= 20),
      ],
  );
  if (analytics) {
    const measure = `Analytics: GET /analytics/summary?days=30 p95, ${n(analytics.rows)} executions`;
    if (analytics.available)
      rows.push([
        measure,
        `${n(analytics.latencyMs.p95)} ms (p50 ${n(analytics.latencyMs.p50)})`,
        '≤ 200 ms',
        analytics.latencyMs.p95 <= 200,
      ]);
    else rows.push([measure, `not available (${analytics.status})`, '≤ 200 ms', null]);
  }
  for (const measured of results.apiProcesses ?? []) rows.push(...apiProcessesRows(measured));
  for (const name of ['api', 'worker']) {
    each(({ memory, ...mode }) => {
      const figures = memory?.[name];
      if (!figures) return null;
      return [
        label('Peak RSS', mode, `${name} (VmHWM)`),
        n(figures.peakRssMb, ' MB'),
        '≤ 250 MB',
        figures.peakRssMb === null ? null : figures.peakRssMb <= 250,
      ];
    });
  }
  return rows;
}

/** The accept and reject phases again with the api as several processes (API_PROCESSES), queues in Redis. */
function apiProcessesRows({ processes, accept, endToEnd, reject, memory }) {
  const label = `API_PROCESSES=${processes} (queues in Redis):`;
  const rows = [];
  if (accept) {
    rows.push([
      `${label} accept, ${accept.connections} connections, ${accept.seconds} s (p99; non-2xx)`,
      `${n(accept.perSec, ' runs/s')} (${n(accept.latencyMs.p99)} ms; ${n(accept.non2xx + accept.errors)})`,
      '≥ 1,000 runs/s',
      accept.perSec >= 1000,
    ]);
    rows.push([
      `${label} CPU per run: api (all processes) / worker / PostgreSQL / Redis; backlog drained after`,
      `${n(accept.apiCpuMsPerRun)} / ${n(endToEnd.workerCpuMsPerExecution)} / ${n(endToEnd.postgresCpuMsPerRun)} / ${n(endToEnd.redisCpuMsPerRun)} ms; ` +
        (endToEnd.drained ? n(endToEnd.drainS, ' s') : 'not drained'),
      '',
      null,
    ]);
  }
  if (reject) {
    rows.push([
      `${label} rejections, ${reject.connections} connections (p99; CPU per rejection: api / PostgreSQL)`,
      `${n(reject.perSec, '/s')} (${n(reject.latencyMs.p99)} ms; ${n(reject.apiCpuMsPerRequest)} / ${n(reject.postgresCpuMsPerRequest)} ms)`,
      '≥ 3,000/s',
      reject.perSec >= 3000 && reject.other === 0,
    ]);
  }
  rows.push([
    `${label} largest api process peak RSS (VmHWM)`,
    n(memory.peakRssMb, ' MB'),
    '≤ 250 MB',
    memory.peakRssMb === null ? null : memory.peakRssMb <= 250,
  ]);
  return rows;
}

export function markdownTable(rows) {
  const lines = ['| Measure | Result | Target | Met |', '|---|---|---|---|'];
  for (const [measure, result, target, ok] of rows) lines.push(`| ${measure} | ${result} | ${target || ''} | ${target ? met(ok) : ''} |`);
  return lines.join('\n');
}

export function conditionsLine(results) {
  const { machine } = results;
  return (
    `Measured ${results.startedAt.slice(0, 16).replace('T', ' ')} UTC on ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, ` +
    `PostgreSQL ${machine.postgres}${machine.postgresTransport ? ` (through ${machine.postgresTransport})` : ''}${machine.redis ? `, Redis ${machine.redis}` : ''}; load average before the run ${machine.loadAverageBefore.join(' / ')} ` +
    `(1/5/15 min; ${machine.loadAverageBefore[0] > machine.cpus * 0.5 ? 'other processes were running' : 'quiet machine'}).` +
    (results.postgres
      ? ' Rows "queues in PostgreSQL": single-machine mode (QUEUE_BACKEND=postgres, no Redis), its own api and worker' +
        ' on a fresh database, after the Redis ones had stopped.'
      : '')
  );
}

export function writeJson(results, dir = join(ROOT, 'bench', 'results')) {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${results.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}

/** Replaces the README's Performance table (between the bench markers) with this run's. */
export function updateReadme(results, table) {
  const path = join(ROOT, 'README.md');
  const readme = readFileSync(path, 'utf8');
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${README_START} … ${README_END} section`);
  const section = [README_START, '', `Command: \`${results.command}\``, '', conditionsLine(results), '', table, '', README_END].join('\n');
  writeFileSync(path, readme.slice(0, start) + section + readme.slice(end + README_END.length));
}
