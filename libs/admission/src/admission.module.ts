import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { ExecutionsModule } from '@app/executions';
import { FlowlineMetrics } from '@app/metrics';
import { QueueConnections } from '@app/queue-backend';
import { RegionQueues } from '@app/queue-contracts';
import { RejectionTallies } from './rejection-tallies';
import { RunAdmission } from './run-admission.service';
import { WaitingRunsPromoter } from './waiting-runs.promoter';
import { WorkerPresence } from './worker-presence.service';

@Global()
@Module({
  imports: [ExecutionsModule],
  providers: [
    {
      provide: RegionQueues,
      inject: [AppConfig, QueueConnections, FlowlineMetrics],
      useFactory: (config: AppConfig, connections: QueueConnections, metrics: FlowlineMetrics) =>
        new RegionQueues(config, connections, (size) => metrics.batchSize.observe({ operation: 'job_add' }, size)),
    },
    RunAdmission,
    RejectionTallies,
    WaitingRunsPromoter,
    WorkerPresence,
  ],
  exports: [RegionQueues, RunAdmission, RejectionTallies, WaitingRunsPromoter, WorkerPresence],
})
export class AdmissionModule implements OnApplicationShutdown {
  constructor(@Inject(RegionQueues) private readonly queues: RegionQueues) {}

  async onApplicationShutdown(): Promise<void> {
    await this.queues.close();
  }
}
