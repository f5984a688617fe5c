import { Job, WaitingError } from 'bullmq';
import { InFlightJobs } from './in-flight-jobs';

function deferred(): { promise: Promise<string>; resolve: (value: string) => void } {
  let resolve!: (value: string) => void;
  const promise = new Promise<string>((done) => (resolve = done));
  return { promise, resolve };
}

const fakeJob = (id: string, moveToWait = jest.fn(async () => 0)) => ({ id, moveToWait }) as unknown as Job & { moveToWait: jest.Mock };
const settled = async (promise: Promise<unknown>) =>
  Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    new Promise((resolve) => setTimeout(() => resolve(false), 20)),
  ]);

describe('InFlightJobs', () => {
  it('a stale delivery that ends first returns only after the newer delivery of the same job', async () => {
    const jobs = new InFlightJobs();
    const stale = deferred();
    const newer = deferred();
    const staleRun = jobs.run(fakeJob('j1'), 'token-1', () => stale.promise);
    const newerRun = jobs.run(fakeJob('j1'), 'token-2', () => newer.promise);
    stale.resolve('stale');
    expect(await settled(staleRun)).toBe(false);
    newer.resolve('newer');
    await expect(newerRun).resolves.toBe('newer');
    await expect(staleRun).resolves.toBe('stale');
  });

  it('hands unfinished deliveries back with their lock tokens and settles them with a WaitingError while their runs go on', async () => {
    const jobs = new InFlightJobs();
    const finished = jobs.run(fakeJob('done'), 'token-0', async () => 'done');
    await finished;
    const job = fakeJob('j1');
    const stale = deferred();
    const newer = deferred();
    const staleRun = jobs.run(job, 'token-1', () => stale.promise);
    const newerRun = jobs.run(job, 'token-2', () => newer.promise);
    stale.resolve('stale');

    expect(await jobs.handBackAll(() => undefined)).toBe(1);
    expect(job.moveToWait).toHaveBeenCalledTimes(1);
    expect(job.moveToWait).toHaveBeenCalledWith('token-2');
    await expect(newerRun).rejects.toBeInstanceOf(WaitingError);
    await expect(staleRun).resolves.toBe('stale');
    expect(await jobs.handBackAll(() => undefined)).toBe(0);
  });

  it('a delivery that cannot be moved back is reported and still settled, so closing the worker does not wait for it', async () => {
    const jobs = new InFlightJobs();
    const lost = fakeJob(
      'j2',
      jest.fn(async () => Promise.reject(new Error('Missing lock for job j2'))),
    );
    const run = jobs.run(lost, 'token', () => new Promise<void>(() => undefined));
    const problems: string[] = [];
    await jobs.handBackAll((job, error) => problems.push(`${job.id}: ${error.message}`));
    expect(problems).toEqual(['j2: Missing lock for job j2']);
    await expect(run).rejects.toBeInstanceOf(WaitingError);
  });
});
