import { documentedRegions, imageUid, measuredPeakRss, sampledQueueStates } from './expectations';
import { networkPolicyProblems, PRIVATE_IPV4, regionProblems, scalingProblems } from './region-invariants';
import { K8sObject, kustomizeVersion, overlayNames, Rendering, renderOverlay } from './render-overlays';
import { schemaProblems, unknownFields } from './schema-check';
import {
  apiProblems,
  imageProblems,
  migrationProblems,
  resourceProblems,
  secretProblems,
  securityProblems,
  selectorProblems,
  workerProblems,
} from './workload-invariants';

/**
 * docker/kubernetes rendered as an operator applies it (`kubectl kustomize` of every overlay), validated against
 * the Kubernetes and KEDA schemas, and held to what Flowline needs of it. Each invariant is also run on a
 * deliberately broken copy, so a check that stopped seeing its problem fails here too.
 */
describe('Kubernetes manifests (docker/kubernetes)', () => {
  let renderings: Rendering[];
  let sampledStates: string[];
  const regions = documentedRegions();

  beforeAll(async () => {
    renderings = overlayNames().map(renderOverlay);
    sampledStates = await sampledQueueStates();
  });

  function broken(mutate: (copy: Rendering[]) => void): Rendering[] {
    const copy = structuredClone(renderings);
    mutate(copy);
    return copy;
  }

  function find(copy: Rendering[], overlay: string, kind: string): K8sObject {
    const found = copy.find((rendering) => rendering.overlay === overlay)?.objects.find((object) => object.kind === kind);
    if (!found) throw new Error(`overlays/${overlay} renders no ${kind}`);
    return found;
  }

  const [firstRegion, secondRegion] = regions;
  const worker = (copy: Rendering[], region = firstRegion) => find(copy, region, 'Deployment');
  const workerContainer = (copy: Rendering[]) => worker(copy).spec.template.spec.containers[0];
  const api = (copy: Rendering[]) => find(copy, 'global', 'Deployment');

  it('renders every overlay with a kustomize that needs no deprecated fields', () => {
    // components, labels and replacements: kustomize v5 (kubectl 1.27+); Debian 12's kubectl 1.20 has v2.0.3.
    expect(Number(/^v(\d+)\./.exec(kustomizeVersion() ?? '')?.[1])).toBeGreaterThanOrEqual(5);
    expect(renderings.map(({ overlay }) => overlay)).toEqual(expect.arrayContaining(['global', 'migrate', ...regions]));
    for (const rendering of renderings) {
      expect(rendering.warnings).toBe('');
      expect(rendering.objects.length).toBeGreaterThan(0);
    }
  });

  it('validates every object against the Kubernetes and KEDA schemas, with no field the API does not know', async () => {
    const objects = renderings.flatMap(({ objects }) => objects);
    expect((await Promise.all(objects.map(schemaProblems))).flat()).toEqual([]);
    expect(unknownFields(renderings)).toEqual([]);

    const port = broken((copy) => (workerContainer(copy).ports[0].containerPort = '9464'));
    expect(await schemaProblems(worker(port))).toEqual([expect.stringContaining('containerPort must be integer')]);
    const misspelt = broken((copy) => (workerContainer(copy).readinessprobe = workerContainer(copy).readinessProbe));
    expect(unknownFields(misspelt)).toEqual([
      expect.stringMatching(/Deployment\/flowline-worker-.*readinessprobe.* does not exist in type 'IContainer'/),
    ]);
    const unknownKind = { ...worker(renderings), kind: 'Deploymnet' };
    expect(await schemaProblems(unknownKind)).toEqual([expect.stringContaining('no schema')]);
  }, 120_000);

  it('has one worker Deployment and one ScaledObject aimed at it per region of REGIONS', () => {
    expect(regions.length).toBeGreaterThan(1);
    expect(regionProblems(renderings, regions)).toEqual([]);

    expect(regionProblems(renderings, [...regions, 'ap-south-1'])).toEqual(
      expect.arrayContaining([expect.stringContaining('region ap-south-1: 0 worker Deployments')]),
    );
    const aimedElsewhere = broken(
      (copy) => (find(copy, firstRegion, 'ScaledObject').spec.scaleTargetRef.name = worker(copy, secondRegion).metadata.name),
    );
    expect(regionProblems(aimedElsewhere, regions)).toEqual([
      `region ${firstRegion}: 0 ScaledObjects target overlays/${firstRegion} Deployment/${worker(renderings).metadata.name}, expected 1`,
    ]);
    const sameRegion = broken((copy) => (worker(copy, secondRegion).spec.template.spec.containers[0].env[0].value = firstRegion));
    expect(regionProblems(sameRegion, regions)).toEqual(
      expect.arrayContaining([`region ${firstRegion}: 2 worker Deployments, expected 1`]),
    );
  });

  it('scales each region on its waiting runs (waiting + prioritized) as the api samples them, one worker per WORKER_CONCURRENCY', () => {
    expect(sampledStates).toEqual(expect.arrayContaining(['waiting', 'prioritized', 'active']));
    expect(scalingProblems(renderings, sampledStates)).toEqual([]);

    const trigger = (copy: Rendering[]) => find(copy, firstRegion, 'ScaledObject').spec.triggers[0].metadata;
    const waitListOnly = broken((copy) => (trigger(copy).query = trigger(copy).query.replace('|prioritized', '')));
    expect(scalingProblems(waitListOnly, sampledStates)).toEqual([expect.stringContaining('leaves out state prioritized')]);
    const otherRegion = broken((copy) => (trigger(copy).query = trigger(copy).query.replace(firstRegion, secondRegion)));
    expect(scalingProblems(otherRegion, sampledStates)).toEqual([expect.stringContaining(`does not select region="${firstRegion}"`)]);
    const unsampled = broken((copy) => (trigger(copy).query = trigger(copy).query.replace('waiting', 'wait')));
    expect(scalingProblems(unsampled, sampledStates)).toEqual(
      expect.arrayContaining([expect.stringContaining('state wait is not sampled')]),
    );
    const threshold = broken((copy) => (trigger(copy).threshold = '50'));
    expect(scalingProblems(threshold, sampledStates)).toEqual([expect.stringContaining('is not WORKER_CONCURRENCY 10')]);
  });

  it('gives workers a termination grace above WORKER_SHUTDOWN_GRACE_MS plus their exit margin, and probes on WORKER_HTTP_PORT', () => {
    expect(workerProblems(renderings)).toEqual([]);

    const short = broken((copy) => (worker(copy).spec.template.spec.terminationGracePeriodSeconds = 40));
    expect(workerProblems(short)).toEqual([expect.stringContaining('terminationGracePeriodSeconds 40 s is not above')]);
    const longerShutdown = broken((copy) => workerContainer(copy).env.push({ name: 'WORKER_SHUTDOWN_GRACE_MS', value: '55000' }));
    expect(workerProblems(longerShutdown)).toEqual([expect.stringContaining('(65000 ms)')]);
    const apiPort = broken((copy) => (workerContainer(copy).livenessProbe.httpGet.port = 3000));
    expect(workerProblems(apiPort)).toEqual([expect.stringContaining('livenessProbe is not on WORKER_HTTP_PORT 9464')]);
    const otherPath = broken((copy) => (workerContainer(copy).readinessProbe.httpGet.path = '/metrics'));
    expect(workerProblems(otherPath)).toEqual([expect.stringContaining('readinessProbe must GET /health')]);
  });

  it('runs the api with MIGRATIONS_RUN=false, ready on /health/ready and live on /health at PORT; the Job migrates', () => {
    expect(apiProblems(renderings)).toEqual([]);
    expect(migrationProblems(renderings)).toEqual([]);

    const container = (copy: Rendering[]) => api(copy).spec.template.spec.containers[0];
    const migrating = broken((copy) => container(copy).env.push({ name: 'MIGRATIONS_RUN', value: 'true' }));
    expect(apiProblems(migrating)).toEqual([expect.stringContaining('MIGRATIONS_RUN is not false')]);
    const liveOnly = broken((copy) => (container(copy).readinessProbe.httpGet.path = '/health'));
    expect(apiProblems(liveOnly)).toEqual([expect.stringContaining('readinessProbe must GET /health/ready')]);
    const otherPort = broken((copy) => container(copy).env.push({ name: 'PORT', value: '8080' }));
    expect(apiProblems(otherPort)).toEqual([
      expect.stringContaining('readinessProbe is not on PORT 8080'),
      expect.stringContaining('livenessProbe is not on PORT 8080'),
    ]);
    const noMigrate = broken(
      (copy) => (find(copy, 'migrate', 'Job').spec.template.spec.containers[0].command = ['node', 'dist/apps/api/main.js']),
    );
    expect(migrationProblems(noMigrate)).toEqual([expect.stringContaining('not npm run cli -- migrate')]);
  });

  it('commits no secret: Secrets are referenced by name only, and no ConfigMap holds one', () => {
    expect(secretProblems(renderings)).toEqual([]);

    const committed = broken((copy) =>
      copy[0].objects.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'flowline-secrets' }, stringData: { JWT_SECRET: 'x' } }),
    );
    expect(secretProblems(committed)).toEqual([expect.stringContaining('Secret/flowline-secrets commits secret values')]);
    const inSettings = broken((copy) => (find(copy, 'global', 'ConfigMap').data.DATABASE_URL = 'postgres://u:p@db/flowline'));
    expect(secretProblems(inSettings)).toEqual([expect.stringContaining('holds DATABASE_URL')]);
  });

  it("runs every container as the images' non-root user, without privileges, capabilities or a writable root", () => {
    expect(securityProblems(renderings, imageUid())).toEqual([]);

    const root = broken((copy) => (api(copy).spec.template.spec.securityContext.runAsUser = 0));
    expect(securityProblems(root, imageUid())).toEqual([expect.stringContaining("runAsUser is not the image's uid 1000")]);
    const escalating = broken(
      (copy) => delete find(copy, 'migrate', 'Job').spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation,
    );
    expect(securityProblems(escalating, imageUid())).toEqual([expect.stringContaining('allowPrivilegeEscalation is not false')]);
    const writable = broken((copy) => (workerContainer(copy).securityContext.readOnlyRootFilesystem = false));
    expect(securityProblems(writable, imageUid())).toEqual([expect.stringContaining('root filesystem is writable')]);
    const netRaw = broken((copy) => (workerContainer(copy).securityContext.capabilities.add = ['NET_RAW']));
    expect(securityProblems(netRaw, imageUid())).toEqual([expect.stringContaining('does not drop ALL capabilities')]);
  });

  it('lets workers reach DNS, PostgreSQL, Redis and the internet, never private, shared or link-local ranges', () => {
    expect(networkPolicyProblems(renderings)).toEqual([]);

    const policy = (copy: Rendering[]) => find(copy, firstRegion, 'NetworkPolicy').spec;
    const catchAll = (copy: Rendering[]) =>
      policy(copy)
        .egress.flatMap((rule: K8sObject) => rule.to)
        .find((peer: K8sObject) => peer.ipBlock?.cidr === '0.0.0.0/0');
    for (const range of PRIVATE_IPV4) {
      const open = broken(
        (copy) => (catchAll(copy).ipBlock.except = catchAll(copy).ipBlock.except.filter((except: string) => except !== range)),
      );
      expect(networkPolicyProblems(open)).toEqual([expect.stringContaining(`does not exclude ${range}`)]);
    }
    const everywhere = broken((copy) => policy(copy).egress.push({}));
    expect(networkPolicyProblems(everywhere)).toEqual([expect.stringContaining('without `to` allows every destination')]);
    // What kustomize's `labels: includeSelectors` does to every matchLabels of a policy: DNS then matches nothing.
    const leaked = broken(
      (copy) => (policy(copy).egress[0].to[0].podSelector = { matchLabels: { 'k8s-app': 'kube-dns', 'flowline.io/region': firstRegion } }),
    );
    expect(networkPolicyProblems(leaked)).toEqual(expect.arrayContaining([expect.stringContaining('no rule lets workers reach kube-dns')]));
    const unselected = broken((copy) => (policy(copy).podSelector.matchLabels['flowline.io/region'] = secondRegion));
    expect(networkPolicyProblems(unselected)).toEqual([expect.stringContaining('no NetworkPolicy limits its egress')]);
  });

  it('deploys one release: the api image for api and migrations, the worker image in every region, pinned', () => {
    expect(imageProblems(renderings)).toEqual([]);

    const drifted = broken(
      (copy) => (worker(copy, secondRegion).spec.template.spec.containers[0].image = 'registry.example.com/flowline/worker:0.0.9'),
    );
    expect(imageProblems(drifted)).toEqual([
      expect.stringContaining('region workers run different images'),
      expect.stringContaining('not one release'),
    ]);
    const latest = broken(
      (copy) => (find(copy, 'migrate', 'Job').spec.template.spec.containers[0].image = 'registry.example.com/flowline/api:latest'),
    );
    expect(imageProblems(latest)).toEqual(expect.arrayContaining([expect.stringContaining('api and migrations images differ')]));
  });

  it('requests at least the peak RSS the benchmark measured, with limits, and Services and PDBs select one Deployment', () => {
    const peaks = measuredPeakRss();
    expect(resourceProblems(renderings, peaks)).toEqual([]);
    expect(selectorProblems(renderings)).toEqual([]);

    const small = broken((copy) => (workerContainer(copy).resources.requests.memory = '100Mi'));
    expect(resourceProblems(small, peaks)).toEqual([expect.stringContaining('below the measured peak RSS')]);
    const unlimited = broken((copy) => delete api(copy).spec.template.spec.containers[0].resources.limits);
    expect(resourceProblems(unlimited, peaks)).toEqual([expect.stringContaining('cpu request'), expect.stringContaining('memory request')]);
    const stray = broken((copy) => (find(copy, 'global', 'Service').spec.selector = { 'app.kubernetes.io/name': 'flowline-web' }));
    expect(selectorProblems(stray)).toEqual([expect.stringContaining('Service/flowline-api selects the pods of 0 Deployments')]);
    const wrongPort = broken((copy) => (find(copy, firstRegion, 'Service').spec.ports[0].targetPort = 'metrics'));
    expect(selectorProblems(wrongPort)).toEqual([expect.stringContaining('targets metrics, which no container declares')]);
  });
});
