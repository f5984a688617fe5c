import { Injectable, OnModuleInit } from '@nestjs/common';
import { EventBus, EventChannel } from '@app/queue-backend';
import { ExecutionFinishedEvent } from '@app/queue-contracts';

/**
 * Lets POST /run wait for a result without polling: workers publish "execution finished"; one
 * subscription per api process wakes the waiting requests. It ends with the event bus at application
 * shutdown, after the HTTP server has drained, so requests waiting for a result still get it.
 */
@Injectable()
export class ExecutionWaiter implements OnModuleInit {
  private readonly waiters = new Map<string, Set<() => void>>();

  constructor(private readonly events: EventBus) {}

  async onModuleInit(): Promise<void> {
    await this.events.subscribe(EventChannel.ExecutionFinished, (message) => {
      try {
        const event = JSON.parse(message) as ExecutionFinishedEvent;
        this.waiters.get(event.executionId)?.forEach((wake) => wake());
      } catch {
        // not ours
      }
    });
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
