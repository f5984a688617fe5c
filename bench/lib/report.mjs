import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './processes.mjs';

const README_START = '<!-- bench:start -->';
const README_END = '<!-- bench:end -->';

const n = (value, unit = '') => (value === null || value === undefined ? '—' : `${Number(value).toLocaleString('en-US')}${unit}`);
const pct = (value) => (value === null || value === undefined || !Number.isFinite(value) ? '—' : `${Math.round(value * 100)}%`);
const met = (ok) => (ok === null ? '—' : ok ? 'yes' : 'no');
const ratio = (a, b) => (a === null || a === undefined || !b ? null : a / b);

/** The figures, their targets from the issue, and whether each is met; null where a phase did not run. */
export function buildRows(results) {
  const { baseline, accept, endToEnd, reject, analytics, memory } = results;
  const rows = [];
  if (baseline) {
    rows.push([`Baseline: BullMQ add(), ${baseline.inFlight} in flight`, n(baseline.addPerSec, ' jobs/s'), '', null]);
    rows.push([
      `Baseline: 1 worker process (concurrency ${baseline.workerConcurrency}, 1 INSERT per job), end to end`,
      n(baseline.endToEndPerSec, ' jobs/s'),
      '',
      null,
    ]);
  }
  if (accept) {
    const base = baseline?.endToEndPerSec;
    rows.push([
      `Accept: POST /run/async, ${accept.connections} connections, ${accept.seconds} s`,
      n(accept.perSec, ' runs/s'),
      '≥ 1,000 runs/s',
      accept.perSec >= 1000,
    ]);
    rows.push([
      'Accept latency p50 / p95 / p99',
      `${n(accept.latencyMs.p50)} / ${n(accept.latencyMs.p95)} / ${n(accept.latencyMs.p99)} ms`,
      'p99 ≤ 50 ms',
      accept.latencyMs.p99 !== null && accept.latencyMs.p99 <= 50,
    ]);
    rows.push([
      'Accept non-2xx (and socket errors)',
      `${n(accept.non2xx)} (${n(accept.errors)})`,
      '0',
      accept.non2xx === 0 && accept.errors === 0,
    ]);
    rows.push(['Accept / baseline end to end', pct(ratio(accept.perSec, base)), '≥ 50%', base ? accept.perSec / base >= 0.5 : null]);
  }
  if (endToEnd) {
    const base = baseline?.endToEndPerSec;
    rows.push([
      `End to end: executions finished per second during the load (1 worker, concurrency ${endToEnd.workerConcurrency})`,
      n(endToEnd.finishedInWindowPerSec, '/s'),
      '',
      null,
    ]);
    rows.push([
      'End to end: accepted runs / (last finish − load start)',
      `${n(endToEnd.perSec, '/s')} (${pct(ratio(endToEnd.perSec, base))} of baseline)`,
      '',
      null,
    ]);
    rows.push([
      'CPU per run: api (accept) / worker (execution)',
      `${n(accept?.apiCpuMsPerRun)} / ${n(endToEnd.workerCpuMsPerExecution)} ms` +
        (baseline ? ` (baseline: ${n(baseline.producerCpuMsPerAdd)} per add / ${n(baseline.workerCpuMsPerJob)} per job)` : ''),
      '',
      null,
    ]);
    rows.push([
      'CPU per run: PostgreSQL (its backends) / Redis',
      `${n(endToEnd.postgresCpuMsPerRun)} / ${n(endToEnd.redisCpuMsPerRun)} ms`,
      '',
      null,
    ]);
    const perStatement = endToEnd.callsPerStatement;
    if (perStatement)
      rows.push([
        'Group commit: runs per statement during the load (admit / job add / claim / finish)',
        ['admit', 'job_add', 'claim', 'finish'].map((operation) => n(perStatement[operation])).join(' / '),
        '',
        null,
      ]);
    rows.push([
      `Machine CPU busy during accept + drain (${results.machine.cpus} cores, load generator included)`,
      pct(endToEnd.machineBusyShare),
      '',
      null,
    ]);
    rows.push([
      'Backlog at the end of the load → drained after',
      `${n(endToEnd.backlogAtEnd)} → ${endToEnd.drained ? n(endToEnd.drainS, ' s') : 'not drained'}`,
      '≤ 5 s',
      endToEnd.drained && endToEnd.drainS <= 5,
    ]);
  }
  if (reject) {
    rows.push([
      `Rejections: 429 CONCURRENCY_LIMIT, ${reject.connections} connections, ${reject.seconds} s`,
      n(reject.perSec, '/s'),
      '≥ 3,000/s',
      reject.perSec >= 3000 && reject.other === 0,
    ]);
    rows.push([
      'CPU per rejection: api / PostgreSQL / Redis',
      `${n(reject.apiCpuMsPerRequest)} / ${n(reject.postgresCpuMsPerRequest)} / ${n(reject.redisCpuMsPerRequest)} ms`,
      '',
      null,
    ]);
    rows.push(['Machine CPU busy during the rejections', pct(reject.machineBusyShare), '', null]);
    rows.push([
      'Rejection latency p50 / p99 (other answers)',
      `${n(reject.latencyMs.p50)} / ${n(reject.latencyMs.p99)} ms (${n(reject.other)})`,
      'p99 ≤ 20 ms',
      reject.latencyMs.p99 !== null && reject.latencyMs.p99 <= 20,
    ]);
  }
  if (analytics) {
    const label = `Analytics: GET /analytics/summary?days=30 p95, ${n(analytics.rows)} executions`;
    if (analytics.available)
      rows.push([
        label,
        `${n(analytics.latencyMs.p95)} ms (p50 ${n(analytics.latencyMs.p50)})`,
        '≤ 200 ms',
        analytics.latencyMs.p95 <= 200,
      ]);
    else rows.push([label, `not available (${analytics.status})`, '≤ 200 ms', null]);
  }
  for (const measured of results.apiProcesses ?? []) rows.push(...apiProcessesRows(measured));
  if (memory) {
    for (const [name, figures] of Object.entries(memory))
      rows.push([
        `${name} peak RSS (VmHWM)`,
        n(figures.peakRssMb, ' MB'),
        '≤ 250 MB',
        figures.peakRssMb === null ? null : figures.peakRssMb <= 250,
      ]);
  }
  return rows;
}

/** The accept and reject phases again with the api as several processes (API_PROCESSES). */
function apiProcessesRows({ processes, accept, endToEnd, reject, memory }) {
  const label = `API_PROCESSES=${processes}:`;
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
    `PostgreSQL ${machine.postgres}, Redis ${machine.redis}; load average before the run ${machine.loadAverageBefore.join(' / ')} ` +
    `(1/5/15 min; ${machine.loadAverageBefore[0] > machine.cpus * 0.5 ? 'other processes were running' : 'quiet machine'}).`
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
