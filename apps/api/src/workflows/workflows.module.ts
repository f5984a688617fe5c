import { Module } from '@nestjs/common';
import { WorkflowDefinitionValidator } from './workflow-definition.validator';
import { WorkflowSchedules } from './workflow-schedules.service';
import { WorkflowsController } from './workflows.controller';
import { WorkflowsService } from './workflows.service';

@Module({
  controllers: [WorkflowsController],
  providers: [WorkflowsService, WorkflowDefinitionValidator, WorkflowSchedules],
  exports: [WorkflowsService, WorkflowSchedules],
})
export class WorkflowsModule {}
