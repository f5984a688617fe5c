import { WORKER_EXIT_MARGIN_MS } from '../../apps/worker/src/exit-watchdog';
import type { Rendering } from './render-overlays';
import { Container, containerConfig, SECRET_PLACEHOLDERS } from './pod-config';
import { byComponent, containerPortOf, describe, quantity, selects, workloads } from './workloads';

/** Each check returns what is wrong, as sentences naming the object; an empty list is a pass. */
export type Problems = string[];

export function secretProblems(renderings: Rendering[]): Problems {
  const problems: Problems = [];
  for (const { overlay, objects } of renderings) {
    for (const object of objects) {
      const where = `overlays/${overlay} ${object.kind}/${object.metadata.name}`;
      if (object.kind === 'Secret' && (Object.keys(object.data ?? {}).length > 0 || Object.keys(object.stringData ?? {}).length > 0))
        problems.push(`${where} commits secret values`);
      if (object.kind !== 'ConfigMap') continue;
      for (const key of Object.keys(object.data ?? {})) {
        if (key in SECRET_PLACEHOLDERS || /SECRET|PASSWORD|TOKEN|KEYS$/.test(key))
          problems.push(`${where} holds ${key}, which belongs in a Secret`);
      }
    }
  }
  return problems;
}

export function apiProblems(renderings: Rendering[]): Problems {
  const apis = byComponent(renderings, 'api');
  if (apis.length !== 1) return [`expected one api Deployment over all overlays, found ${apis.length}`];
  const [api] = apis;
  const problems: Problems = [];
  for (const container of api.pod.containers) {
    const config = containerConfig(container, api.objects);
    if (config.migrationsRun) problems.push(`${describe(api)}: MIGRATIONS_RUN is not false (the migrations Job applies them)`);
    const expected = { readinessProbe: '/health/ready', livenessProbe: '/health' } as const;
    for (const [probe, path] of Object.entries(expected)) {
      const get = container[probe]?.httpGet;
      if (get?.path !== path) problems.push(`${describe(api)}: ${probe} must GET ${path}, has ${get?.path}`);
      if (containerPortOf(container, get?.port) !== config.port) problems.push(`${describe(api)}: ${probe} is not on PORT ${config.port}`);
    }
  }
  return problems;
}

export function workerProblems(renderings: Rendering[]): Problems {
  const problems: Problems = [];
  for (const worker of byComponent(renderings, 'worker')) {
    if (worker.object.spec?.replicas !== undefined) problems.push(`${describe(worker)}: sets replicas, which its ScaledObject owns`);
    const grace = worker.pod.terminationGracePeriodSeconds ?? 30;
    for (const container of worker.pod.containers) {
      const config = containerConfig(container, worker.objects);
      const needed = config.worker.shutdownGraceMs + WORKER_EXIT_MARGIN_MS;
      if (grace * 1000 <= needed)
        problems.push(
          `${describe(worker)}: terminationGracePeriodSeconds ${grace} s is not above WORKER_SHUTDOWN_GRACE_MS + exit margin (${needed} ms)`,
        );
      for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
        const get = container[probe]?.httpGet;
        if (!get && probe === 'startupProbe') continue;
        if (get?.path !== '/health') problems.push(`${describe(worker)}: ${probe} must GET /health, has ${get?.path}`);
        if (containerPortOf(container, get?.port) !== config.worker.httpPort)
          problems.push(`${describe(worker)}: ${probe} is not on WORKER_HTTP_PORT ${config.worker.httpPort}`);
      }
    }
  }
  return problems;
}

export function migrationProblems(renderings: Rendering[]): Problems {
  const jobs = byComponent(renderings, 'migrations');
  if (jobs.length !== 1) return [`expected one migrations Job over all overlays, found ${jobs.length}`];
  const command = jobs[0].pod.containers.map((container: { command?: string[] }) => (container.command ?? []).join(' '));
  return command.includes('npm run cli -- migrate') ? [] : [`${describe(jobs[0])}: runs ${command.join(', ')}, not npm run cli -- migrate`];
}

/** `runAsUser` must be the images' own user: docker/*.Dockerfile run as `node`, uid 1000 in the node images. */
export function securityProblems(renderings: Rendering[], imageUid: number): Problems {
  const problems: Problems = [];
  for (const workload of workloads(renderings)) {
    const pod = workload.pod.securityContext ?? {};
    if (workload.pod.automountServiceAccountToken !== false) problems.push(`${describe(workload)}: mounts a service account token`);
    if (workload.pod.hostNetwork || workload.pod.hostPID || workload.pod.hostIPC)
      problems.push(`${describe(workload)}: shares a host namespace`);
    for (const container of workload.containers) {
      const own = container.securityContext ?? {};
      const where = `${describe(workload)} container ${container.name}`;
      if ((own.runAsNonRoot ?? pod.runAsNonRoot) !== true) problems.push(`${where}: runAsNonRoot is not true`);
      if ((own.runAsUser ?? pod.runAsUser) !== imageUid) problems.push(`${where}: runAsUser is not the image's uid ${imageUid}`);
      if (own.allowPrivilegeEscalation !== false) problems.push(`${where}: allowPrivilegeEscalation is not false`);
      if (own.privileged) problems.push(`${where}: is privileged`);
      if (own.readOnlyRootFilesystem !== true) problems.push(`${where}: root filesystem is writable`);
      if (!own.capabilities?.drop?.includes('ALL') || own.capabilities?.add?.length)
        problems.push(`${where}: does not drop ALL capabilities`);
      if ((own.seccompProfile ?? pod.seccompProfile)?.type !== 'RuntimeDefault')
        problems.push(`${where}: seccompProfile is not RuntimeDefault`);
    }
  }
  return problems;
}

/** api and migrations share one image, every region's workers another, all at one release tag. */
export function imageProblems(renderings: Rendering[]): Problems {
  const imagesOf = (component: string) =>
    new Set(byComponent(renderings, component).flatMap((workload) => workload.containers.map((container) => String(container.image))));
  const api = imagesOf('api');
  const migrations = imagesOf('migrations');
  const worker = imagesOf('worker');
  const problems: Problems = [];
  if (api.size !== 1 || [...migrations].some((image) => !api.has(image)))
    problems.push(`api and migrations images differ: ${[...api, ...migrations].join(', ')}`);
  if (worker.size !== 1) problems.push(`region workers run different images: ${[...worker].join(', ')}`);
  const tags = new Set([...api, ...worker].map((image) => /:([^:/]+)$/.exec(image)?.[1] ?? 'none'));
  if (tags.size !== 1) problems.push(`api and worker images are not one release: tags ${[...tags].join(', ')}`);
  for (const tag of tags) if (tag === 'latest' || tag === 'none') problems.push(`images must be pinned to a release, found tag ${tag}`);
  if ([...api].some((image) => worker.has(image))) problems.push('api and workers share an image: the worker image is its own build');
  return problems;
}

/** Requests at least what the benchmark measured (peak RSS per process), limits above requests. */
export function resourceProblems(renderings: Rendering[], measuredPeakBytes: Record<string, number>): Problems {
  const problems: Problems = [];
  for (const workload of workloads(renderings)) {
    for (const container of workload.containers) {
      const { requests = {}, limits = {} } = container.resources ?? {};
      const where = `${describe(workload)} container ${container.name}`;
      for (const resource of ['cpu', 'memory']) {
        if (!(quantity(requests[resource]) > 0) || !(quantity(limits[resource]) >= quantity(requests[resource])))
          problems.push(`${where}: needs a ${resource} request and a limit at least as large`);
      }
      const peak = measuredPeakBytes[workload.object.metadata.labels?.['app.kubernetes.io/component'] ?? ''];
      if (peak && quantity(requests.memory) < peak)
        problems.push(`${where}: memory request ${requests.memory} is below the measured peak RSS`);
    }
  }
  return problems;
}

/** Every Service and PodDisruptionBudget selects the pods of exactly one Deployment, on ports those pods have. */
export function selectorProblems(renderings: Rendering[]): Problems {
  const problems: Problems = [];
  for (const { overlay, objects } of renderings) {
    const deployments = workloads([{ overlay, objects, warnings: '' }]).filter(({ object }) => object.kind === 'Deployment');
    for (const object of objects.filter(({ kind }) => kind === 'Service' || kind === 'PodDisruptionBudget')) {
      const selector = object.kind === 'Service' ? object.spec?.selector : object.spec?.selector?.matchLabels;
      const matched = deployments.filter(({ object: deployment }) => selects(selector, deployment.spec?.template?.metadata?.labels));
      const where = `overlays/${overlay} ${object.kind}/${object.metadata.name}`;
      if (matched.length !== 1) {
        problems.push(`${where} selects the pods of ${matched.length} Deployments`);
        continue;
      }
      for (const port of object.kind === 'Service' ? object.spec.ports : []) {
        const declares = (container: Container) =>
          (container.ports ?? []).some(
            (declared: Container) => declared.containerPort === containerPortOf(container, port.targetPort ?? port.port),
          );
        if (!matched[0].pod.containers.some(declares))
          problems.push(`${where} port ${port.name} targets ${port.targetPort}, which no container declares`);
      }
    }
  }
  return problems;
}
