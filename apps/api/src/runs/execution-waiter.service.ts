import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '@app/config';
import { executionFinishedChannel, ExecutionFinishedEvent } from '@app/queue-contracts';
import { createRedis, workerRedisOptions } from '@app/redis';

/**
 * Lets POST /run wait for a result without polling: workers publish
 * "execution finished" on the main Redis; one subscription per api process
 * wakes the waiting requests.
 */
@Injectable()
export class ExecutionWaiter implements OnModuleInit, OnApplicationShutdown {
  private subscriber?: Redis;
  private readonly waiters = new Map<string, Set<() => void>>();

  constructor(private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    this.subscriber = createRedis(this.config.redisUrl, workerRedisOptions());
    this.subscriber.on('message', (_channel: string, message: string) => {
      try {
        const event = JSON.parse(message) as ExecutionFinishedEvent;
        this.waiters.get(event.executionId)?.forEach((wake) => wake());
      } catch {
        // not ours
      }
    });
    await this.subscriber.subscribe(executionFinishedChannel(this.config.redisKeyPrefix)).catch(() => undefined);
  }

  /** After the HTTP server has drained, so requests waiting for a result still get it. */
  onApplicationShutdown(): void {
    this.subscriber?.disconnect();
  }

  /** Resolves when the execution's finished event arrives or after `ms`; the caller then reads the row. */
  waitFor(executionId: string, ms: number, isDone: () => Promise<boolean>): Promise<void> {
    return new Promise<void>((resolve) => {
      let settled = false;
      const finish = () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const set = this.waiters.get(executionId);
        set?.delete(finish);
        if (set?.size === 0) this.waiters.delete(executionId);
        resolve();
      };
      const timer = setTimeout(finish, ms);
      if (!this.waiters.has(executionId)) this.waiters.set(executionId, new Set());
      this.waiters.get(executionId)?.add(finish);
      // It may have finished before we subscribed: check once after registering.
      isDone().then(
        (done) => done && finish(),
        () => undefined,
      );
    });
  }
}
