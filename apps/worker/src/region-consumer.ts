import { hostname } from 'node:os';
import { AppConfig } from '@app/config';
import { regionOfQueue, workerQueueName } from '@app/queue-contracts';

/** The region queue this process consumes, and the name its worker registers under (the api counts a region's workers by it). */
export class RegionConsumer {
  private constructor(
    readonly queueName: string,
    readonly region: string,
    readonly workerId: string,
  ) {}

  static fromConfig(config: AppConfig): RegionConsumer {
    const queueName = workerQueueName(config.worker, config.defaultRegion);
    return new RegionConsumer(queueName, regionOfQueue(queueName, config.regions) ?? config.defaultRegion, `${hostname()}:${process.pid}`);
  }
}
