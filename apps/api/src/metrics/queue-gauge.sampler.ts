import { Injectable } from '@nestjs/common';
import { WorkerPresence } from '@app/admission';
import { AppConfig } from '@app/config';
import { FlowlineMetrics } from '@app/metrics';
import { RegionQueues } from '@app/queue-contracts';

const STATES = ['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed'] as const;

/** Fills the queue and worker gauges from Redis when Prometheus scrapes. */
@Injectable()
export class QueueGaugeSampler {
  constructor(
    private readonly metrics: FlowlineMetrics,
    private readonly queues: RegionQueues,
    private readonly presence: WorkerPresence,
    private readonly config: AppConfig,
  ) {}

  async sample(): Promise<void> {
    await Promise.all(
      this.config.regions.map(async (region) => {
        try {
          const counts = await this.queues.get(region).getJobCounts(...STATES);
          for (const state of STATES) this.metrics.queueJobs.set({ region, state }, counts[state] ?? 0);
          this.metrics.regionWorkers.set({ region }, await this.presence.workerCount(region, true));
        } catch {
          // Redis of this region unreachable: keep the last values rather than fail the scrape.
        }
      }),
    );
  }
}
