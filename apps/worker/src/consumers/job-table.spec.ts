import { JobName } from '@app/queue-contracts';
import { regionJobHandlers } from '../region-job.handlers';
import { checkJobTable, dispatchJob, isNameOf } from './job-table';

// queue-contracts' producer side pulls in @app/queue-backend and with it Nest (ESM, which jest cannot require).
jest.mock('@app/queue-backend', () => ({}));

describe('job handler tables', () => {
  const executions = { process: jest.fn(async () => undefined) };
  const ticks = { handle: jest.fn(async () => undefined) };

  it('the region table has exactly one handler per job name, and each name reaches its own', async () => {
    const handlers = checkJobTable('eu-west-1-default', JobName, regionJobHandlers(executions, ticks));
    await dispatchJob(
      handlers,
      JobName.ExecuteWorkflow,
      { executionId: 'e1', requestId: 'r1' },
      { workerId: 'host:1', queueName: 'eu-west-1-default' },
    );
    await dispatchJob(handlers, JobName.ScheduledTick, { workflowId: 'w1' }, { workerId: 'host:1', queueName: 'eu-west-1-default' });
    expect(executions.process).toHaveBeenCalledWith({ executionId: 'e1', requestId: 'r1' }, 'host:1', 'eu-west-1-default');
    expect(ticks.handle).toHaveBeenCalledWith({ workflowId: 'w1' });
  });

  it('boot fails on a missing handler, a handler for no job, and two job names that are one', () => {
    enum Names {
      A = 'a',
      B = 'b',
      // The duplicate value is the case under test.
      // eslint-disable-next-line @typescript-eslint/no-duplicate-enum-values
      C = 'b',
    }
    const table = { a: async () => 1, z: async () => 2 } as unknown as Record<Names, () => Promise<unknown>>;
    expect(() => checkJobTable('q', Names, table)).toThrow(
      'Job handlers of q: C reuses the job name "b"; no handler for "b"; a handler for "z", which is no job name',
    );
    expect(() => checkJobTable('q', Names, { a: 'not a function', b: async () => 1 })).toThrow('no handler for "a"');
  });

  it('tells job names from other names', () => {
    expect(isNameOf(JobName, 'scheduled-tick')).toBe(true);
    expect(isNameOf(JobName, 'ScheduledTick')).toBe(false);
  });
});
