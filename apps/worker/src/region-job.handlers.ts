import { JobHandlerMap, JobName } from '@app/queue-contracts';
import type { ExecutionProcessor } from './execution.processor';
import type { ScheduledTickHandler } from './scheduled-tick.handler';

export interface RegionJobContext {
  workerId: string;
  queueName: string;
}

/** What each job of a region queue does; the processor checks this table at boot and dispatches by job name. */
export function regionJobHandlers(
  executions: Pick<ExecutionProcessor, 'process'>,
  ticks: Pick<ScheduledTickHandler, 'handle'>,
): JobHandlerMap<RegionJobContext> {
  return {
    [JobName.ExecuteWorkflow]: (job, { workerId, queueName }) => executions.process(job, workerId, queueName),
    [JobName.ScheduledTick]: (job) => ticks.handle(job),
  };
}
