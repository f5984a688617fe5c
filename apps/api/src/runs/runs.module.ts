import { Module } from '@nestjs/common';
import { ExecutionsModule } from '../executions/executions.module';
import { WorkflowsModule } from '../workflows/workflows.module';
import { ExecutionWaiter } from './execution-waiter.service';
import { RunsController } from './runs.controller';
import { RunsService } from './runs.service';

@Module({
  imports: [WorkflowsModule, ExecutionsModule],
  controllers: [RunsController],
  providers: [RunsService, ExecutionWaiter],
})
export class RunsModule {}
