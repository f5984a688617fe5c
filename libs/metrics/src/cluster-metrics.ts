import cluster from 'node:cluster';
import { AggregatorRegistry, PrometheusContentType, Registry } from 'prom-client';

const REQUEST = 'flowline:metrics-request';
const RESPONSE = 'flowline:metrics-response';
const TIMEOUT_MS = 5000;

interface MetricsMessage {
  type: string;
  id: number;
  body?: string;
  error?: string;
}

let aggregator: AggregatorRegistry<PrometheusContentType> | undefined;

/**
 * With API_PROCESSES > 1, Prometheus scrapes whichever api process takes the
 * connection: each process answers for all of them, with counters and
 * histograms summed by the cluster primary (prom-client's AggregatorRegistry).
 */
export function isClusterWorker(): boolean {
  return cluster.isWorker;
}

/** In each cluster worker: answer the primary's requests for this process's metrics. */
export function shareWithClusterPrimary(registry: Registry): void {
  if (!cluster.isWorker) return;
  aggregator ??= new AggregatorRegistry<PrometheusContentType>();
  AggregatorRegistry.setRegistries([registry]);
}

/** In the cluster primary: answer a worker that serves GET /metrics with every worker's metrics, aggregated. */
export function serveClusterMetrics(): void {
  aggregator ??= new AggregatorRegistry<PrometheusContentType>();
  const registry = aggregator;
  cluster.on('message', (worker, message: MetricsMessage) => {
    if (message?.type !== REQUEST) return;
    registry.clusterMetrics().then(
      (body: string) => worker.send({ type: RESPONSE, id: message.id, body }),
      (error: Error) => worker.send({ type: RESPONSE, id: message.id, error: error.message }),
    );
  });
}

let nextId = 0;
let listening = false;
const pending = new Map<number, { resolve: (body: string) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();

/** In a cluster worker: every api process's metrics, through the primary. */
export function requestClusterMetrics(): Promise<string> {
  if (!listening) {
    process.on('message', settle);
    listening = true;
  }
  const id = ++nextId;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      pending.delete(id);
      reject(new Error('the cluster primary did not answer with the metrics'));
    }, TIMEOUT_MS);
    pending.set(id, { resolve, reject, timer });
    process.send?.({ type: REQUEST, id });
  });
}

function settle(message: MetricsMessage): void {
  if (message?.type !== RESPONSE) return;
  const request = pending.get(message.id);
  if (!request) return;
  pending.delete(message.id);
  clearTimeout(request.timer);
  if (message.error !== undefined) request.reject(new Error(message.error));
  else request.resolve(message.body ?? '');
}
