import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '@app/config';
import { cancelChannel } from '@app/queue-contracts';
import { createRedis, workerRedisOptions } from '@app/redis';

/** Aborts the in-flight execution that the api cancelled (pub/sub on the main Redis). */
@Injectable()
export class CancelListener implements OnModuleInit, OnApplicationShutdown {
  private subscriber?: Redis;
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    this.subscriber = createRedis(this.config.redisUrl, workerRedisOptions());
    this.subscriber.on('message', (_channel: string, executionId: string) => this.running.get(executionId)?.abort());
    await this.subscriber.subscribe(cancelChannel(this.config.redisKeyPrefix)).catch(() => undefined);
  }

  // Not on module destroy: runs finishing within the shutdown grace period (beforeApplicationShutdown) can still be cancelled.
  onApplicationShutdown(): void {
    this.subscriber?.disconnect();
  }

  track(executionId: string): AbortController {
    const controller = new AbortController();
    this.running.set(executionId, controller);
    return controller;
  }

  untrack(executionId: string): void {
    this.running.delete(executionId);
  }
}
