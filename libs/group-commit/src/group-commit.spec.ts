import { GroupCommit, positionsInOrderOf } from './group-commit';

/** A runner whose batches finish when the test says so, recording what each batch held. */
function controlledRunner() {
  const batches: number[][] = [];
  const finishers: (() => void)[] = [];
  const run = (items: number[]) => {
    batches.push(items);
    return new Promise<number[]>((resolve) => finishers.push(() => resolve(items.map((n) => n * 10))));
  };
  const finishNext = async () => {
    finishers.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { batches, run, finishNext };
}

const options = { maxInFlight: 1, maxBatch: 3, retryAlone: () => true, traceName: 'test' };

describe('GroupCommit', () => {
  it('runs a lone call at once, as a batch of one', async () => {
    const runner = controlledRunner();
    const commit = new GroupCommit(runner.run, options);
    const result = commit.submit(1);
    expect(runner.batches).toEqual([[1]]);
    await runner.finishNext();
    await expect(result).resolves.toBe(10);
  });

  it('gathers calls that arrive while a batch runs into the next batch, in arrival order and at most maxBatch long', async () => {
    const runner = controlledRunner();
    const commit = new GroupCommit(runner.run, options);
    const results = [1, 2, 3, 4, 5, 6].map((n) => commit.submit(n));
    expect(runner.batches).toEqual([[1]]);
    await runner.finishNext();
    expect(runner.batches).toEqual([[1], [2, 3, 4]]);
    await runner.finishNext();
    expect(runner.batches).toEqual([[1], [2, 3, 4], [5, 6]]);
    await runner.finishNext();
    await expect(Promise.all(results)).resolves.toEqual([10, 20, 30, 40, 50, 60]);
  });

  it('keeps maxInFlight batches running at once', () => {
    const runner = controlledRunner();
    const commit = new GroupCommit(runner.run, { ...options, maxInFlight: 2 });
    [1, 2, 3, 4].forEach((n) => void commit.submit(n));
    expect(runner.batches).toEqual([[1], [2]]);
  });

  it('retries a failed batch one item at a time, so each caller gets its own result or error', async () => {
    const batches: number[][] = [];
    const commit = new GroupCommit(
      async (items: number[]) => {
        batches.push(items);
        if (items.includes(13)) throw new Error('13 is unlucky');
        return items.map((n) => n * 10);
      },
      { ...options, maxBatch: 10 },
    );
    void commit.submit(0);
    const results = [12, 13, 14].map((n) => commit.submit(n).catch((error: Error) => error.message));
    await expect(Promise.all(results)).resolves.toEqual([120, '13 is unlucky', 140]);
    expect(batches).toEqual([[0], [12, 13, 14], [12], [13], [14]]);
  });

  it('fails the whole batch without retrying when the failure may not have undone it', async () => {
    let calls = 0;
    const commit = new GroupCommit(
      async () => {
        calls += 1;
        throw new Error('connection lost');
      },
      { ...options, maxInFlight: 1, retryAlone: () => false },
    );
    void commit.submit(0).catch(() => undefined);
    const results = [1, 2].map((n) => commit.submit(n).catch((error: Error) => error.message));
    await expect(Promise.all(results)).resolves.toEqual(['connection lost', 'connection lost']);
    expect(calls).toBe(2);
  });

  it('rejects every caller of a batch that returned the wrong number of results', async () => {
    const commit = new GroupCommit(async () => [1], { ...options, retryAlone: () => false });
    void commit.submit(0);
    const results = [1, 2].map((n) => commit.submit(n).catch((error: Error) => error.message));
    await expect(Promise.all(results)).resolves.toEqual(['a batch of 2 returned 1 results', 'a batch of 2 returned 1 results']);
  });
});

describe('positionsInOrderOf', () => {
  it('sorts positions by key and keeps arrival order between equal keys', () => {
    expect(positionsInOrderOf(['b', 'a', 'c', 'a', 'b'], (key) => key)).toEqual([1, 3, 0, 4, 2]);
  });
});
