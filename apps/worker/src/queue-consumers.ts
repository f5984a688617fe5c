import { BullModule, Processor, ProcessorOptions, WorkerHost } from '@nestjs/bullmq';
import { ClassProvider, DynamicModule, Provider, Type } from '@nestjs/common';
import { WorkerOptions } from 'bullmq';
import { AppConfig } from '@app/config';
import { MAINTENANCE_QUEUE } from '@app/queue-contracts';
import { QueueConnections } from '@app/queue-backend';
import { MaintenanceProcessor } from './maintenance/maintenance.processor';
import { RegionConsumer } from './region-consumer';
import { RegionProcessor } from './region.processor';

/** BullModule shared configurations: the queue store each consumer's Worker connects to. */
const REGION_WORKER_STORE = 'region-worker-store';
const MAINTENANCE_WORKER_STORE = 'maintenance-worker-store';

/** The connection comes from the shared configuration the processor names. */
type ConsumerWorkerOptions = Omit<WorkerOptions, 'connection'>;

/**
 * `processor`, declared the @Processor of a queue named by the settings: a subclass decorated when the
 * module is created, so the class itself carries no queue name and the provider keeps its token.
 */
function processorFor<P extends Type<Pick<WorkerHost, 'worker' | 'process'>>>(
  processor: P,
  options: ProcessorOptions,
  workerOptions: ConsumerWorkerOptions,
): ClassProvider {
  class ConfiguredProcessor extends processor {}
  // Nest's and BullExplorer's messages name the class.
  Object.defineProperty(ConfiguredProcessor, 'name', { value: processor.name });
  Processor(options, workerOptions)(ConfiguredProcessor);
  return { provide: processor, useClass: ConfiguredProcessor };
}

/** What WorkerModule.forRoot adds for the queues this process consumes. */
export function queueConsumers(config: AppConfig): { imports: DynamicModule[]; providers: Provider[] } {
  const consumer = RegionConsumer.fromConfig(config);
  // autorun off: a consumer starts taking jobs in its onApplicationBootstrap, once every provider is ready.
  const region: ConsumerWorkerOptions = {
    autorun: false,
    concurrency: config.worker.concurrency,
    name: consumer.workerId,
    lockDuration: config.worker.lockMs,
    stalledInterval: config.worker.lockMs,
    maxStalledCount: 2,
  };
  return {
    imports: [
      BullModule.forRootAsync(REGION_WORKER_STORE, {
        inject: [QueueConnections],
        useFactory: (connections: QueueConnections) => connections.regionQueue(consumer.region, consumer.queueName, 'consumer'),
      }),
      BullModule.forRootAsync(MAINTENANCE_WORKER_STORE, {
        inject: [QueueConnections],
        useFactory: (connections: QueueConnections) => connections.mainQueue(MAINTENANCE_QUEUE, 'consumer'),
      }),
      // Brings in BullExplorer, which creates a Worker for each @Processor provider. No queue is registered:
      // a Nest-registered queue of the same name would override the shared configuration's connection, and
      // this process produces nothing on the queues it consumes.
      BullModule.registerQueue(),
    ],
    providers: [
      { provide: RegionConsumer, useValue: consumer },
      processorFor(RegionProcessor, { name: consumer.queueName, configKey: REGION_WORKER_STORE }, region),
      processorFor(
        MaintenanceProcessor,
        { name: MAINTENANCE_QUEUE, configKey: MAINTENANCE_WORKER_STORE },
        { autorun: false, concurrency: 1 },
      ),
    ],
  };
}
