import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/config';
import { EventBus } from './event-bus';
import { openQueueConnections } from './open-queue-connections';
import { QueueConnections } from './queue-connections';
import { WindowCounters } from './window-counters';

/**
 * The one seam that decides where queues, events and counters live (`QUEUE_BACKEND`): Redis, or
 * PostgreSQL alone. Everything else asks for QueueConnections, EventBus and WindowCounters.
 */
@Module({})
export class QueueBackendModule implements OnApplicationShutdown {
  constructor(
    @Inject(QueueConnections) private readonly connections: QueueConnections,
    @Inject(EventBus) private readonly events: EventBus,
  ) {}

  static forRoot(applicationName: string): DynamicModule {
    return {
      module: QueueBackendModule,
      global: true,
      providers: [
        {
          provide: QueueConnections,
          inject: [AppConfig],
          useFactory: (config: AppConfig) => openQueueConnections(config, applicationName),
        },
        {
          provide: EventBus,
          inject: [QueueConnections],
          useFactory: (connections: QueueConnections) => connections.createEventBus(),
        },
        {
          provide: WindowCounters,
          inject: [QueueConnections, DataSource],
          useFactory: (connections: QueueConnections, database: DataSource) => connections.createWindowCounters(database),
        },
      ],
      exports: [QueueConnections, EventBus, WindowCounters],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.events.close();
    await this.connections.close();
  }
}
