import type { Rendering } from './render-overlays';
import { Container, containerConfig } from './pod-config';
import type { Problems } from './workload-invariants';
import { byComponent, describe, selects, Workload } from './workloads';

/** Overlays that are not a region's. */
export const SHARED_OVERLAYS = ['global', 'migrate'];

const REGION_LABEL = 'flowline.io/region';
export const PRIVATE_IPV4 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10'];
export const PRIVATE_IPV6 = ['fc00::/7', 'fe80::/10'];

function workerRegion(worker: Workload): string | undefined {
  return worker.pod.containers.map((container: Container) => containerConfig(container, worker.objects).worker.region)[0];
}

/** One overlay, one worker Deployment and one ScaledObject aimed at it per region of REGIONS, and nothing else. */
export function regionProblems(renderings: Rendering[], regions: string[]): Problems {
  const problems: Problems = [];
  const regionOverlays = renderings.map(({ overlay }) => overlay).filter((overlay) => !SHARED_OVERLAYS.includes(overlay));
  if ([...regionOverlays].sort().join() !== [...regions].sort().join())
    problems.push(`region overlays (${regionOverlays.join(', ')}) are not REGIONS (${regions.join(', ')})`);
  const workers = byComponent(renderings, 'worker');
  for (const worker of workers) {
    for (const container of worker.pod.containers) {
      const configured = containerConfig(container, worker.objects).regions;
      if (configured.join() !== regions.join())
        problems.push(`${describe(worker)}: REGIONS is ${configured.join()}, not ${regions.join()}`);
    }
    if (!regions.includes(workerRegion(worker) ?? '')) problems.push(`${describe(worker)}: WORKER_REGION is not one of REGIONS`);
  }
  for (const region of regions) {
    const own = workers.filter((worker) => workerRegion(worker) === region);
    if (own.length !== 1) {
      problems.push(`region ${region}: ${own.length} worker Deployments, expected 1`);
      continue;
    }
    const [worker] = own;
    if (worker.object.spec?.template?.metadata?.labels?.[REGION_LABEL] !== region)
      problems.push(`${describe(worker)}: pods are not labelled ${REGION_LABEL}=${region}`);
    const scalers = renderings.flatMap(({ overlay, objects }) =>
      objects.filter((object) => object.kind === 'ScaledObject').map((object) => ({ overlay, object })),
    );
    const aimed = scalers.filter(
      ({ overlay, object }) => overlay === worker.overlay && object.spec?.scaleTargetRef?.name === worker.object.metadata.name,
    );
    if (aimed.length !== 1) problems.push(`region ${region}: ${aimed.length} ScaledObjects target ${describe(worker)}, expected 1`);
    const kind = aimed[0]?.object.spec?.scaleTargetRef?.kind;
    if (kind && kind !== 'Deployment') problems.push(`region ${region}: the ScaledObject targets a ${kind}`);
  }
  const scaledObjects = renderings.flatMap(({ objects }) => objects.filter((object) => object.kind === 'ScaledObject'));
  if (scaledObjects.length !== regions.length) problems.push(`${scaledObjects.length} ScaledObjects for ${regions.length} regions`);
  return problems;
}

/** `name="value"` and `name=~"a|b"` matchers of one metric in a PromQL query. */
function matchersOf(query: string, metric: string): Map<string, { regex: boolean; value: string }> | null {
  const selector = new RegExp(`${metric}\\{([^}]*)\\}`).exec(query);
  if (!selector) return null;
  const matchers = new Map<string, { regex: boolean; value: string }>();
  for (const [, name, operator, value] of selector[1].matchAll(/(\w+)\s*(=~|=)\s*"([^"]*)"/g))
    matchers.set(name, { regex: operator === '=~', value });
  return matchers;
}

/**
 * The trigger counts that region's waiting runs (BullMQ's wait list and prioritized zset, as the api's
 * flowline_queue_jobs gauge samples them) with states the sampler really fills, one worker per WORKER_CONCURRENCY.
 */
export function scalingProblems(renderings: Rendering[], sampledStates: string[]): Problems {
  const problems: Problems = [];
  for (const worker of byComponent(renderings, 'worker')) {
    const scaler = worker.objects.find(
      (object) => object.kind === 'ScaledObject' && object.spec?.scaleTargetRef?.name === worker.object.metadata.name,
    );
    if (!scaler) continue;
    const region = workerRegion(worker);
    const where = `overlays/${worker.overlay} ScaledObject/${scaler.metadata.name}`;
    const triggers = scaler.spec?.triggers ?? [];
    if (triggers.length !== 1 || triggers[0].type !== 'prometheus') {
      problems.push(`${where}: expected one prometheus trigger`);
      continue;
    }
    const { query = '', threshold, serverAddress = '' } = triggers[0].metadata ?? {};
    const matchers = matchersOf(query, 'flowline_queue_jobs');
    const states = matchers?.get('state');
    const stateList = states ? (states.regex ? states.value.split('|') : [states.value]) : [];
    if (!matchers) problems.push(`${where}: the query does not read flowline_queue_jobs`);
    else if (matchers.get('region')?.regex !== false || matchers.get('region')?.value !== region)
      problems.push(`${where}: the query does not select region="${region}"`);
    for (const state of ['waiting', 'prioritized'])
      if (!stateList.includes(state)) problems.push(`${where}: the query leaves out state ${state}`);
    for (const state of stateList) if (!sampledStates.includes(state)) problems.push(`${where}: state ${state} is not sampled by the api`);
    const concurrency = containerConfig(worker.pod.containers[0], worker.objects).worker.concurrency;
    if (Number(threshold) !== concurrency) problems.push(`${where}: threshold ${threshold} is not WORKER_CONCURRENCY ${concurrency}`);
    if (!/^https?:\/\/\S+$/.test(serverAddress)) problems.push(`${where}: serverAddress ${serverAddress} is not a URL`);
    if (!(scaler.spec.minReplicaCount >= 1)) problems.push(`${where}: minReplicaCount below 1 leaves the region without maintenance`);
  }
  return problems;
}

/** Workers: DNS, PostgreSQL, Redis and the public internet out; nothing else, and never the private ranges. */
export function networkPolicyProblems(renderings: Rendering[]): Problems {
  const problems: Problems = [];
  for (const worker of byComponent(renderings, 'worker')) {
    const labels = worker.object.spec?.template?.metadata?.labels;
    const policies = worker.objects.filter(
      (object) =>
        object.kind === 'NetworkPolicy' &&
        object.spec?.policyTypes?.includes('Egress') &&
        selects(object.spec?.podSelector?.matchLabels, labels),
    );
    if (policies.length === 0) problems.push(`${describe(worker)}: no NetworkPolicy limits its egress`);
    for (const policy of policies) {
      const where = `overlays/${worker.overlay} NetworkPolicy/${policy.metadata.name}`;
      const rules: Container[] = policy.spec.egress ?? [];
      if (!rules.some((rule) => rule.ports?.some((port: Container) => port.port === 53) && rule.to?.some(isKubeDns)))
        problems.push(`${where}: no rule lets workers reach kube-dns on port 53`);
      for (const rule of rules) {
        if (!rule.to?.length) problems.push(`${where}: an egress rule without \`to\` allows every destination`);
        for (const peer of rule.to ?? []) {
          if (peer.ipBlock) problems.push(...ipBlockProblems(where, peer.ipBlock));
          else if (!peer.podSelector) problems.push(`${where}: a peer selects whole namespaces`);
          else if (Object.keys(peer.podSelector.matchLabels ?? {}).some((key) => key.startsWith('flowline.io/')))
            problems.push(
              `${where}: a peer's podSelector carries ${JSON.stringify(peer.podSelector.matchLabels)} (an overlay label leaked into it)`,
            );
        }
      }
    }
  }
  return problems;
}

function isKubeDns(peer: Container): boolean {
  const expressions: Container[] = peer.podSelector?.matchExpressions ?? [];
  const labels = peer.podSelector?.matchLabels ?? {};
  const byExpression = expressions.length === 1 && expressions[0].key === 'k8s-app' && expressions[0].values?.join() === 'kube-dns';
  const byLabel = expressions.length === 0 && Object.keys(labels).join() === 'k8s-app' && labels['k8s-app'] === 'kube-dns';
  return byExpression || byLabel;
}

function ipBlockProblems(where: string, block: { cidr: string; except?: string[] }): Problems {
  const prefix = Number(block.cidr.split('/')[1]);
  const required = block.cidr.includes(':') ? PRIVATE_IPV6 : PRIVATE_IPV4;
  // The catch-all must carve the private ranges out; a narrow block (a managed database's address) is deliberate.
  if (prefix >= 8) return [];
  if (prefix > 0) return [`${where}: ipBlock ${block.cidr} is too broad to be a single server and is not the catch-all`];
  const missing = required.filter((range) => !(block.except ?? []).includes(range));
  return missing.length > 0 ? [`${where}: ipBlock ${block.cidr} does not exclude ${missing.join(', ')}`] : [];
}
