import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { RejectionTally, RejectionTallyRepository } from '@app/executions';

/** How often a process adds its counts to the shared tallies. */
export const TALLY_FLUSH_MS = 2000;
/** A minute's tallies are final this long after it ended: every live process has added its counts by then. */
export const TALLY_SETTLE_SECONDS = (TALLY_FLUSH_MS * 5) / 1000;

/**
 * Counts limit rejections per owner, code and minute in memory and adds them to the shared tallies every
 * TALLY_FLUSH_MS (and at shutdown), so a flood of rejected run requests is audited as a handful of rows, not
 * a write each. Counts a write could not take are kept for the next one.
 */
@Injectable()
export class RejectionTallies implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RejectionTallies.name);
  private pending = new Map<string, RejectionTally>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly repository: RejectionTallyRepository) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), TALLY_FLUSH_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  count(ownerId: string, code: string, at = new Date()): void {
    const minute = new Date(Math.floor(at.getTime() / 60_000) * 60_000);
    const key = `${ownerId}|${code}|${minute.getTime()}`;
    const tally = this.pending.get(key);
    if (tally) tally.count++;
    else this.pending.set(key, { ownerId, code, minute, count: 1 });
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      await this.repository.add([...batch.values()]);
    } catch (error) {
      for (const [key, tally] of batch) {
        const newer = this.pending.get(key);
        if (newer) newer.count += tally.count;
        else this.pending.set(key, tally);
      }
      this.logger.warn(`Could not record ${batch.size} rejection tallies (kept for the next try): ${(error as Error).message}`);
    }
  }
}
