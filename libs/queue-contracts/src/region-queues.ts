import { Queue } from 'bullmq';
import { GroupCommit } from '@app/group-commit';
import type { QueueConnections } from '@app/queue-backend';
import { executeJobOptions, JobName, RegionJobData } from './jobs';
import { regionQueueName } from './queues';

/** What the job of a run needs: the job id is the execution id, so adding the same run twice adds one job. */
export interface RunToEnqueue {
  id: string;
  region: string;
  priority: number;
  requestId: string | null;
}

/** Runs whose jobs are being added while these many `addBulk` calls run per region join the next one. */
const ADD_IN_FLIGHT = 2;
const ADD_BATCH_MAX = 200;

export interface RegionQueueSettings {
  regions: readonly string[];
  redisKeyPrefix: string;
}

/**
 * One producer Queue per region, on its region's store (producer connections: an enqueue while the store
 * is down errors at once, and the caller answers 503).
 */
export class RegionQueues {
  private readonly queues = new Map<string, Queue<RegionJobData, unknown, string>>();
  private readonly runJobAdds = new Map<string, GroupCommit<RunToEnqueue, unknown>>();

  /** `onRunJobBatch` is told how many runs each `addBulk` added. */
  constructor(settings: RegionQueueSettings, connections: QueueConnections, onRunJobBatch?: (size: number) => void) {
    for (const region of settings.regions) {
      const queue = new Queue<RegionJobData, unknown, string>(regionQueueName(region), {
        connection: connections.region(region, 'producer'),
        prefix: settings.redisKeyPrefix,
      });
      queue.on('error', () => undefined);
      this.queues.set(region, queue);
      this.runJobAdds.set(
        region,
        new GroupCommit<RunToEnqueue, unknown>((runs) => queue.addBulk(runs.map(runJobOf)), {
          maxInFlight: ADD_IN_FLIGHT,
          maxBatch: ADD_BATCH_MAX,
          // Job ids are execution ids, so adding a run again alone never duplicates its job.
          retryAlone: () => true,
          onBatch: onRunJobBatch,
        }),
      );
    }
  }

  /** Adds the run's execute job to its region's queue; runs added at the same time share one `addBulk`. */
  async enqueueRun(run: RunToEnqueue): Promise<void> {
    const adds = this.runJobAdds.get(run.region);
    if (!adds) throw new Error(`No queue for region ${run.region}`);
    await adds.submit(run);
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

function runJobOf(run: RunToEnqueue) {
  return {
    name: JobName.ExecuteWorkflow,
    data: { executionId: run.id, requestId: run.requestId ?? undefined },
    opts: executeJobOptions(run.id, run.priority),
  };
}
