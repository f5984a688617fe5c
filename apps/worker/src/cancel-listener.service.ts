import { Injectable, OnModuleInit } from '@nestjs/common';
import { EventBus, EventChannel } from '@app/queue-backend';

/** Aborts the in-flight execution that the api cancelled (its cancel event). */
@Injectable()
export class CancelListener implements OnModuleInit {
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly events: EventBus) {}

  // The subscription ends with the event bus at application shutdown: runs finishing within the shutdown
  // grace period (beforeApplicationShutdown) can still be cancelled.
  async onModuleInit(): Promise<void> {
    await this.events.subscribe(EventChannel.CancelExecution, (executionId) => this.running.get(executionId)?.abort());
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
