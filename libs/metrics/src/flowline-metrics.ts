import { createHash, timingSafeEqual } from 'node:crypto';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { isClusterWorker, requestClusterMetrics, shareWithClusterPrimary } from './cluster-metrics';

/**
 * Every Flowline metric, on one registry per process. Counters count what
 * happens in this process (accepts in the api, finishes in the worker);
 * Prometheus sums them over the fleet.
 */
export class FlowlineMetrics {
  readonly registry = new Registry();
  /** Gauges sampled by the process that answers the scrape: never summed over api processes. */
  readonly sampled = new Registry();

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly executionsAccepted = new Counter({
    name: 'flowline_executions_accepted_total',
    help: 'Runs accepted by admission, by region, tier and trigger',
    labelNames: ['region', 'tier', 'trigger'] as const,
    registers: [this.registry],
  });

  readonly executionsFinished = new Counter({
    name: 'flowline_executions_total',
    help: 'Executions that reached a final state, by status, region and tier',
    labelNames: ['status', 'region', 'tier'] as const,
    registers: [this.registry],
  });

  readonly limitRejections = new Counter({
    name: 'flowline_limit_rejections_total',
    help: 'Requests refused by a tier limit, by code (and region and tier when known)',
    labelNames: ['code', 'region', 'tier'] as const,
    registers: [this.registry],
  });

  readonly executionDuration = new Histogram({
    name: 'flowline_execution_duration_seconds',
    help: 'Duration of finished executions',
    labelNames: ['status', 'region'] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
    registers: [this.registry],
  });

  readonly batchSize = new Histogram({
    name: 'flowline_group_commit_batch_size',
    help: 'Calls that shared one statement or addBulk (group commit), by what they did',
    labelNames: ['operation'] as const,
    buckets: [1, 2, 4, 8, 16, 32, 64, 128],
    registers: [this.registry],
  });

  readonly runStartDelay = new Histogram({
    name: 'flowline_run_start_delay_seconds',
    help: 'From acceptance to the first start of a run (its wait in the region queue), by region and owner tier',
    labelNames: ['region', 'tier'] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800],
    registers: [this.registry],
  });

  readonly queueOldestWait = new Gauge({
    name: 'flowline_queue_oldest_wait_seconds',
    help: 'How long the oldest queued run has waited, by region and owner tier (sampled at scrape time; absent when none waits)',
    labelNames: ['region', 'tier'] as const,
    registers: [this.sampled],
  });

  readonly queueJobs = new Gauge({
    name: 'flowline_queue_jobs',
    help: 'Jobs in each region queue by state (sampled at scrape time)',
    labelNames: ['region', 'state'] as const,
    registers: [this.sampled],
  });

  readonly regionWorkers = new Gauge({
    name: 'flowline_region_workers',
    help: 'Live workers per region (BullMQ worker registry, sampled at scrape time)',
    labelNames: ['region'] as const,
    registers: [this.sampled],
  });

  constructor(processName: string) {
    this.registry.setDefaultLabels({ process: processName });
    this.sampled.setDefaultLabels({ process: processName });
    collectDefaultMetrics({ register: this.registry, prefix: 'flowline_process_' });
    shareWithClusterPrimary(this.registry);
  }

  async render(): Promise<string> {
    const [shared, sampled] = await Promise.all([
      isClusterWorker() ? requestClusterMetrics() : this.registry.metrics(),
      this.sampled.metrics(),
    ]);
    return `${shared.trimEnd()}\n${sampled}`;
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/** Whether a request may read the metrics: open unless METRICS_TOKEN is set; compared in constant time. */
export function metricsAuthorized(token: string | null, authorization: string | undefined): boolean {
  if (!token) return true;
  // Digests have one length, so neither the comparison's time nor an early length check tells how much matched.
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(`Bearer ${token}`), digest(authorization ?? ''));
}
