import { Injectable } from '@nestjs/common';
import { WorkerPresence } from '@app/admission';
import { AppConfig } from '@app/config';
import { QueueWaitRepository } from '@app/executions';
import { RegionQueues, regionQueueName } from '@app/queue-contracts';
import { RegionResponse } from './regions.dto';

@Injectable()
export class RegionsService {
  constructor(
    private readonly queues: RegionQueues,
    private readonly presence: WorkerPresence,
    private readonly config: AppConfig,
    private readonly waits: QueueWaitRepository,
  ) {}

  /** What an operator needs per region: is anyone consuming, and how much is piling up. */
  async list(): Promise<RegionResponse[]> {
    const oldestWaits = await this.waits.oldestByRegion();
    return Promise.all(
      this.config.regions.map(async (region) => {
        const queue = this.queues.get(region);
        const [workers, counts] = await Promise.all([
          this.presence.workerCount(region, true),
          queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active'),
        ]);
        return {
          id: region,
          queue: regionQueueName(region),
          default: region === this.config.defaultRegion,
          workers,
          waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0),
          active: counts.active ?? 0,
          oldestWaitMs: oldestWaits.get(region) ?? 0,
        };
      }),
    );
  }
}
