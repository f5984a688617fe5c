import { Context } from '@opentelemetry/api';
import { inBatchContext, submittingContext } from '@app/tracing';

/** Runs a whole batch; resolves with one result per item, in the items' order. */
export type BatchRunner<Item, Result> = (items: Item[]) => Promise<Result[]>;

export interface GroupCommitOptions {
  /** Batches running at once; a call that arrives while all are busy joins the next batch. */
  maxInFlight: number;
  maxBatch: number;
  /**
   * Whether a failed batch may be retried one item at a time, so that each caller gets its own result or
   * error: true only when the failure undid the whole batch (e.g. a rolled-back statement).
   */
  retryAlone: (error: unknown) => boolean;
  /** Told the size of each batch as it starts (retries alone included). */
  onBatch?: (size: number) => void;
  /** Names the span of a batch shared by several callers (see inBatchContext). */
  traceName: string;
}

interface Pending<Item, Result> {
  item: Item;
  /** The caller's trace context: a batch of one runs in it. */
  context: Context;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: calls that arrive while earlier batches are running share the next one. Under light load a
 * call runs alone at once (no waiting window); under load the batches grow by themselves, so the cost per
 * statement is shared by as many calls as arrived during one round trip.
 */
export class GroupCommit<Item, Result> {
  private queue: Pending<Item, Result>[] = [];
  private inFlight = 0;

  constructor(
    private readonly runBatch: BatchRunner<Item, Result>,
    private readonly options: GroupCommitOptions,
  ) {}

  submit(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ item, context: submittingContext(), resolve, reject });
      this.flush();
    });
  }

  private flush(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.inFlight += 1;
      void this.settle(batch).finally(() => {
        this.inFlight -= 1;
        this.flush();
      });
    }
  }

  private async settle(batch: Pending<Item, Result>[]): Promise<void> {
    this.options.onBatch?.(batch.length);
    try {
      const items = batch.map((pending) => pending.item);
      const contexts = batch.map((pending) => pending.context);
      const results = await inBatchContext(this.options.traceName, contexts, () => this.runBatch(items));
      if (results.length !== batch.length) throw new Error(`a batch of ${batch.length} returned ${results.length} results`);
      batch.forEach((pending, i) => pending.resolve(results[i]));
    } catch (error) {
      if (batch.length === 1 || !this.options.retryAlone(error)) {
        for (const pending of batch) pending.reject(error);
        return;
      }
      await Promise.all(batch.map((pending) => this.settle([pending])));
    }
  }
}

/**
 * The items' positions sorted by `key` (ties keep arrival order). A batch that takes one lock per key, in
 * this order, never waits in a cycle with another batch doing the same.
 */
export function positionsInOrderOf<T>(items: readonly T[], key: (item: T) => string): number[] {
  const keys = items.map(key);
  return keys.map((_, i) => i).sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : a - b));
}
