import { JobsOptions, Queue } from 'bullmq';
import { GroupCommit } from '@app/group-commit';
import type { QueueConnections } from '@app/queue-backend';
import type { JobTraceContext } from '@app/tracing';
import { executeJobOptions, JobName, RegionJobData } from './jobs';
import { regionQueueName } from './queues';

/** What the job of a run needs: the job id is the execution id, so adding the same run twice adds one job. */
export interface RunToEnqueue {
  id: string;
  region: string;
  priority: number;
  requestId: string | null;
  /** The enqueuing span's context, for the worker's spans to continue the run's trace. */
  traceContext?: JobTraceContext;
}

/** Runs whose jobs are being added while these many `addBulk` calls run per region join the next one. */
const ADD_IN_FLIGHT = 2;
const ADD_BATCH_MAX = 200;

export interface RegionQueueSettings {
  regions: readonly string[];
}

/**
 * One producer Queue per region, on its region's store (producer connections: an enqueue while the store
 * is down errors at once, and the caller answers 503).
 */
export class RegionQueues {
  private readonly queues = new Map<string, Queue<RegionJobData, unknown, string>>();
  private readonly runJobAdds = new Map<string, (run: RunToEnqueue) => Promise<unknown>>();

  /** `onRunJobBatch` is told how many runs each `addBulk` added (where the store adds in bulk). */
  constructor(settings: RegionQueueSettings, connections: QueueConnections, onRunJobBatch?: (size: number) => void) {
    for (const region of settings.regions) {
      const name = regionQueueName(region);
      const queue = new Queue<RegionJobData, unknown, string>(name, connections.regionQueue(region, name, 'producer'));
      queue.on('error', () => undefined);
      this.queues.set(region, queue);
      const jobOf = (run: RunToEnqueue) => runJobOf(run, connections.completedRunJobsKept);
      if (!connections.addsJobsInBulk) {
        this.runJobAdds.set(region, (run) => {
          const job = jobOf(run);
          return queue.add(job.name, job.data, job.opts);
        });
        continue;
      }
      const bulk = new GroupCommit<RunToEnqueue, unknown>((runs) => queue.addBulk(runs.map(jobOf)), {
        maxInFlight: ADD_IN_FLIGHT,
        maxBatch: ADD_BATCH_MAX,
        // Job ids are execution ids, so adding a run again alone never duplicates its job.
        retryAlone: () => true,
        traceName: 'add jobs',
        onBatch: onRunJobBatch,
      });
      this.runJobAdds.set(region, (run) => bulk.submit(run));
    }
  }

  /** Adds the run's execute job to its region's queue; on Redis, runs added at the same time share one `addBulk`. */
  async enqueueRun(run: RunToEnqueue): Promise<void> {
    const add = this.runJobAdds.get(run.region);
    if (!add) throw new Error(`No queue for region ${run.region}`);
    await add(run);
  }

  get(region: string): Queue<RegionJobData, unknown, string> {
    const queue = this.queues.get(region);
    if (!queue) throw new Error(`No queue for region ${region}`);
    return queue;
  }

  entries(): [string, Queue<RegionJobData, unknown, string>][] {
    return [...this.queues.entries()];
  }

  /** The connections stay open: they belong to QueueConnections. */
  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close().catch(() => undefined)));
  }
}

function runJobOf(run: RunToEnqueue, completedKept: JobsOptions['removeOnComplete']) {
  return {
    name: JobName.ExecuteWorkflow,
    data: { executionId: run.id, requestId: run.requestId ?? undefined, traceContext: run.traceContext },
    opts: executeJobOptions(run.id, run.priority, completedKept),
  };
}
