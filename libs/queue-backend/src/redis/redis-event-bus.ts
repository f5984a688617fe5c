import { EventBus, EventChannel } from '../event-bus';
import type { RedisClient } from './redis-client';

/**
 * Pub/sub on the main Redis, channels under the deployment's key prefix. On a Redis Cluster a PUBLISH
 * reaches the subscribers of every node, so the subscriber may sit on any of them.
 */
export class RedisEventBus extends EventBus {
  private subscriber?: RedisClient;
  private readonly handlers = new Map<string, (message: string) => void>();

  constructor(
    private readonly publisher: RedisClient,
    private readonly openSubscriber: () => RedisClient,
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
      this.subscriber = this.openSubscriber();
      this.subscriber.on('message', (from: string, message: string) => this.handlers.get(from)?.(message));
    }
    // ioredis subscribes again by itself after a reconnect (a Cluster, on another node if need be).
    await this.subscriber.subscribe(name).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.subscriber?.disconnect();
  }

  private channelName(channel: EventChannel): string {
    return `${this.keyPrefix}:events:${channel}`;
  }
}
