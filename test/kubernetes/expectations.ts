import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { FlowlineMetrics } from '../../libs/metrics/src/flowline-metrics';

/** What the manifests are held to, read from the project itself rather than restated here. */
const ROOT = resolve(__dirname, '../..');

/** REGIONS of .env.example (the deployment's documented default). */
export function documentedRegions(): string[] {
  const regions = parseDotenv(readFileSync(resolve(ROOT, '.env.example'))).REGIONS ?? '';
  return regions.split(',').map((region) => region.trim());
}

/** The official node images' `node` user; docker/*.Dockerfile switch to it by name. */
const NODE_IMAGE_UID = 1000;

export function imageUid(): number {
  for (const file of ['api.Dockerfile', 'worker.Dockerfile']) {
    const users = readFileSync(resolve(ROOT, 'docker', file), 'utf8').match(/^USER\s+(\S+)/gm) ?? [];
    if (users.at(-1) !== 'USER node') throw new Error(`docker/${file} no longer runs as node: update the manifests' runAsUser`);
  }
  return NODE_IMAGE_UID;
}

/** Peak RSS per component from the README's benchmark table ("Peak RSS (queues in Redis): api (VmHWM) | 189.6 MB"). */
export function measuredPeakRss(): Record<string, number> {
  const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
  const peaks: Record<string, number> = {};
  for (const component of ['api', 'worker']) {
    const row = new RegExp(`\\| Peak RSS \\(queues in Redis\\): ${component} \\(VmHWM\\) \\| ([\\d.]+) MB`).exec(readme);
    if (!row) throw new Error(`README's Performance table has no peak RSS row for the ${component}`);
    peaks[component] = Number(row[1]) * 1e6;
  }
  return peaks;
}

/**
 * The states the api's queue gauge reports per region: the sampler's own list (its Nest class cannot load under
 * jest here, so it is read from the source), each rendered by the real gauge to prove the metric's name and labels.
 */
export async function sampledQueueStates(): Promise<string[]> {
  const source = readFileSync(resolve(ROOT, 'apps/api/src/metrics/queue-gauge.sampler.ts'), 'utf8');
  const list = /const STATES = \[([^\]]*)\] as const/.exec(source);
  if (!list) throw new Error('apps/api/src/metrics/queue-gauge.sampler.ts no longer declares its STATES');
  const metrics = new FlowlineMetrics('api');
  for (const [, state] of list[1].matchAll(/'([^']+)'/g)) metrics.queueJobs.set({ region: 'eu-west-1', state }, 1);
  const text = await metrics.sampled.metrics();
  return [...text.matchAll(/^flowline_queue_jobs\{([^}]*)\} 1$/gm)]
    .filter(([, labels]) => labels.includes('region="eu-west-1"') && labels.includes('process="api"'))
    .map(([, labels]) => /state="([^"]+)"/.exec(labels)?.[1] ?? '');
}
