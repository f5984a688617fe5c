import { Module } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module';
import { WorkflowDefinitionValidator } from './workflow-definition.validator';
import { WorkflowSchedules } from './workflow-schedules.service';
import { WorkflowsController } from './workflows.controller';
import { WorkflowsService } from './workflows.service';

@Module({
  imports: [CredentialsModule],
  controllers: [WorkflowsController],
  providers: [WorkflowsService, WorkflowDefinitionValidator, WorkflowSchedules],
  exports: [WorkflowsService, WorkflowSchedules],
})
export class WorkflowsModule {}
