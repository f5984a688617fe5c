import autocannon from 'autocannon';
import { round } from './processes.mjs';

export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export function latencySummary(values) {
  const sorted = Float64Array.from(values).sort();
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50), 1),
    p95: round(percentile(sorted, 95), 1),
    p99: round(percentile(sorted, 99), 1),
    max: round(sorted.length ? sorted[sorted.length - 1] : null, 1),
  };
}

/**
 * Closed-loop load with autocannon. autocannon keeps only 2xx latencies and
 * has no p95, so every response's latency is recorded here, by status code.
 */
export async function runLoad({ url, method = 'POST', headers = {}, body, connections, seconds }) {
  const byStatus = new Map();
  const startedAt = Date.now();
  const instance = autocannon({
    url,
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    connections,
    duration: seconds,
    timeout: 10,
  });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    let latencies = byStatus.get(statusCode);
    if (!latencies) byStatus.set(statusCode, (latencies = []));
    latencies.push(responseTime);
  });
  const result = await instance;
  const finishedAt = Date.now();
  const elapsedS = (finishedAt - startedAt) / 1000;
  const statusCounts = Object.fromEntries([...byStatus].map(([code, values]) => [code, values.length]));
  const all = [...byStatus.values()].flat();
  const count = (predicate) => [...byStatus].filter(([code]) => predicate(code)).reduce((sum, [, values]) => sum + values.length, 0);
  return {
    startedAt,
    finishedAt,
    elapsedS: round(elapsedS, 2),
    responses: all.length,
    statusCounts,
    ok: count((code) => code >= 200 && code < 300),
    non2xx: count((code) => code < 200 || code >= 300),
    errors: result.errors,
    timeouts: result.timeouts,
    latency: latencySummary(all),
    latencyOf: (code) => latencySummary(byStatus.get(code) ?? []),
  };
}

/** Sequential requests, one at a time: the latency one caller sees. */
export async function timeSequential(count, request) {
  const latencies = [];
  const statuses = {};
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    const response = await request();
    latencies.push(performance.now() - start);
    statuses[response.status] = (statuses[response.status] ?? 0) + 1;
  }
  return { statuses, latency: latencySummary(latencies) };
}
