import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { GroupCommit } from '@app/group-commit';
import { createRedis, failFastRedisOptions } from '@app/redis';
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
  regionRedisUrls: Readonly<Record<string, string>>;
  redisKeyPrefix: string;
}

/**
 * One producer Queue per region, each on its region's Redis. Regions that
 * share a Redis URL share one connection. Fail-fast connections: an enqueue
 * while Redis is down errors at once (the caller answers 503).
 */
export class RegionQueues {
  private readonly queues = new Map<string, Queue<RegionJobData, unknown, string>>();
  private readonly connections = new Map<string, Redis>();
  private readonly runJobAdds = new Map<string, GroupCommit<RunToEnqueue, unknown>>();

  /** `onRunJobBatch` is told how many runs each `addBulk` added. */
  constructor(
    private readonly settings: RegionQueueSettings,
    onRunJobBatch?: (size: number) => void,
  ) {
    for (const region of settings.regions) {
      const url = settings.regionRedisUrls[region];
      let connection = this.connections.get(url);
      if (!connection) {
        connection = createRedis(url, failFastRedisOptions());
        this.connections.set(url, connection);
      }
      const queue = new Queue<RegionJobData, unknown, string>(regionQueueName(region), { connection, prefix: settings.redisKeyPrefix });
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

  connectionFor(region: string): Redis {
    return this.connections.get(this.settings.regionRedisUrls[region]) as Redis;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close().catch(() => undefined)));
    await Promise.all([...this.connections.values()].map((connection) => connection.quit().catch(() => connection.disconnect())));
  }
}

function runJobOf(run: RunToEnqueue) {
  return {
    name: JobName.ExecuteWorkflow,
    data: { executionId: run.id, requestId: run.requestId ?? undefined },
    opts: executeJobOptions(run.id, run.priority),
  };
}
