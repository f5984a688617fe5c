import { Global, Module } from '@nestjs/common';
import { ExecutionAdmissionRepository } from './execution-admission.repository';
import { ExecutionAnalyticsRepository } from './execution-analytics.repository';
import { ExecutionReadRepository } from './execution-read.repository';
import { ExecutionRunRepository } from './execution-run.repository';
import { QueueWaitRepository } from './queue-wait.repository';

/** The run lifecycle's one home for SQL about executions; needs DatabaseModule (SqlPool, the TypeORM repositories). */
@Global()
@Module({
  providers: [
    ExecutionAdmissionRepository,
    ExecutionRunRepository,
    ExecutionReadRepository,
    ExecutionAnalyticsRepository,
    QueueWaitRepository,
  ],
  exports: [
    ExecutionAdmissionRepository,
    ExecutionRunRepository,
    ExecutionReadRepository,
    ExecutionAnalyticsRepository,
    QueueWaitRepository,
  ],
})
export class ExecutionsModule {}
