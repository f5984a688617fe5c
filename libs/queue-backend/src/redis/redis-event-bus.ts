import type Redis from 'ioredis';
import { EventBus, EventChannel } from '../event-bus';
import { createRedis, workerRedisOptions } from './redis-client';

/** Pub/sub on the main Redis, channels under the deployment's key prefix. */
export class RedisEventBus extends EventBus {
  private subscriber?: Redis;
  private readonly handlers = new Map<string, (message: string) => void>();

  constructor(
    private readonly publisher: Redis,
    private readonly url: string,
    private readonly keyPrefix: string,
  ) {
    super();
  }

  async publish(channel: EventChannel, message: string): Promise<void> {
    await this.publisher.publish(this.channelName(channel), message);
  }

  async subscribe(channel: EventChannel, onMessage: (message: string) => void): Promise<void> {
    const name = this.channelName(channel);
    this.handlers.set(name, onMessage);
    if (!this.subscriber) {
      this.subscriber = createRedis(this.url, workerRedisOptions());
      this.subscriber.on('message', (from: string, message: string) => this.handlers.get(from)?.(message));
    }
    // ioredis subscribes again by itself after a reconnect.
    await this.subscriber.subscribe(name).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.subscriber?.disconnect();
  }

  private channelName(channel: EventChannel): string {
    return `${this.keyPrefix}:events:${channel}`;
  }
}
