import { Global, Module } from '@nestjs/common';
import { ExecutionAdmissionRepository } from './execution-admission.repository';
import { ExecutionAnalyticsRepository } from './execution-analytics.repository';
import { ExecutionReadRepository } from './execution-read.repository';
import { ExecutionRunRepository } from './execution-run.repository';
import { QueueOrderRepository } from './queue-order.repository';
import { RejectionTallyRepository } from './rejection-tally.repository';
import { QueueWaitRepository } from './queue-wait.repository';

const REPOSITORIES = [
  ExecutionAdmissionRepository,
  ExecutionRunRepository,
  ExecutionReadRepository,
  ExecutionAnalyticsRepository,
  QueueWaitRepository,
  QueueOrderRepository,
  RejectionTallyRepository,
];

/** The run lifecycle's one home for SQL about executions; needs DatabaseModule (SqlPool, the TypeORM repositories). */
@Global()
@Module({ providers: REPOSITORIES, exports: REPOSITORIES })
export class ExecutionsModule {}
