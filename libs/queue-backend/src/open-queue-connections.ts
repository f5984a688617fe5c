import type { AppConfig } from '@app/config';
import { PostgresQueueConnections } from './postgres/postgres-queue-connections';
import { QueueConnections } from './queue-connections';
import { RedisQueueConnections } from './redis/redis-queue-connections';

/** The queue store `QUEUE_BACKEND` names; for code outside Nest's container too (the cli). */
export function openQueueConnections(config: AppConfig, applicationName: string): QueueConnections {
  return config.queueBackend === 'postgres' ? new PostgresQueueConnections(config, applicationName) : new RedisQueueConnections(config);
}
