import { Global, Module } from '@nestjs/common';
import { ExecutionAdmissionRepository } from './execution-admission.repository';
import { ExecutionReadRepository } from './execution-read.repository';
import { ExecutionRunRepository } from './execution-run.repository';

/** The run lifecycle's one home for SQL about executions; needs DatabaseModule (SqlPool, the TypeORM repositories). */
@Global()
@Module({
  providers: [ExecutionAdmissionRepository, ExecutionRunRepository, ExecutionReadRepository],
  exports: [ExecutionAdmissionRepository, ExecutionRunRepository, ExecutionReadRepository],
})
export class ExecutionsModule {}
