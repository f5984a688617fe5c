import { Injectable } from '@nestjs/common';
import { RegionQueues } from '@app/queue-contracts';

const CACHE_MS = 2000;

/** Live workers per region, from BullMQ's worker registry; cached briefly to keep it off the hot path. */
@Injectable()
export class WorkerPresence {
  private readonly cache = new Map<string, { count: number; at: number }>();

  constructor(private readonly queues: RegionQueues) {}

  async workerCount(region: string, fresh = false): Promise<number> {
    const cached = this.cache.get(region);
    if (!fresh && cached && Date.now() - cached.at < CACHE_MS) return cached.count;
    const count = await this.queues.get(region).getWorkersCount();
    this.cache.set(region, { count, at: Date.now() });
    return count;
  }

  async hasWorkers(region: string): Promise<boolean> {
    try {
      return (await this.workerCount(region)) > 0;
    } catch {
      return true; // unknown: do not warn on a guess
    }
  }
}
