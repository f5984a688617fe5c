import { Injectable, Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { ExecuteWorkflowJob } from '@app/queue-contracts';

/** Thin: load the execution, run the engine, record the result. */
@Injectable()
export class ExecutionProcessor {
  private readonly logger = new Logger('ExecutionProcessor');

  async process(job: Job<ExecuteWorkflowJob>, workerId: string): Promise<void> {
    this.logger.log({ executionId: job.data.executionId, requestId: job.data.requestId, workerId }, 'received execution job');
  }
}
