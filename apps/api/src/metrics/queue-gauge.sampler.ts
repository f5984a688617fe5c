import { Injectable } from '@nestjs/common';
import { WorkerPresence } from '@app/admission';
import { AppConfig } from '@app/config';
import { FlowlineMetrics } from '@app/metrics';
import { QueueWaitRepository } from '@app/executions';
import { RegionQueues } from '@app/queue-contracts';

const STATES = ['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed'] as const;

/** Fills the queue and worker gauges from the queue store, and the oldest-wait gauge from PostgreSQL, when Prometheus scrapes. */
@Injectable()
export class QueueGaugeSampler {
  constructor(
    private readonly metrics: FlowlineMetrics,
    private readonly queues: RegionQueues,
    private readonly presence: WorkerPresence,
    private readonly config: AppConfig,
    private readonly waits: QueueWaitRepository,
  ) {}

  async sample(): Promise<void> {
    await Promise.all([this.sampleWaits(), ...this.config.regions.map((region) => this.sampleRegion(region))]);
  }

  private async sampleWaits(): Promise<void> {
    try {
      const waits = await this.waits.oldestByRegionAndTier();
      this.metrics.queueOldestWait.reset();
      for (const { region, tier, oldestWaitMs } of waits) this.metrics.queueOldestWait.set({ region, tier }, oldestWaitMs / 1000);
    } catch {
      // PostgreSQL unreachable: keep the last values rather than fail the scrape.
    }
  }

  private async sampleRegion(region: string): Promise<void> {
    try {
      const counts = await this.queues.get(region).getJobCounts(...STATES);
      for (const state of STATES) this.metrics.queueJobs.set({ region, state }, counts[state] ?? 0);
      this.metrics.regionWorkers.set({ region }, await this.presence.workerCount(region, true));
    } catch {
      // Redis of this region unreachable: keep the last values rather than fail the scrape.
    }
  }
}
