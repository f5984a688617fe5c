/** A counter of one fixed window: its hits, and the milliseconds until the window ends. */
export interface WindowCount {
  hits: number;
  ttlMs: number;
}

/**
 * Fixed-window counters shared by every api process (rate limits, failed logins): a window starts with its
 * first hit and lasts `windowMs`; the counter is gone when it ends.
 */
export abstract class WindowCounters {
  /** Counts one hit of `key`, starting its window when none runs. */
  abstract hit(key: string, windowMs: number): Promise<WindowCount>;

  /** The counts of `keys`, in their order; a key without a running window reads 0 hits, 0 ms. */
  abstract read(keys: readonly string[]): Promise<WindowCount[]>;

  /**
   * Takes back one hit of `key` while its window runs (a request counted before it could be
   * known not to count there, e.g. one whose credentials then proved valid); never below 0,
   * and nothing once the window has ended.
   */
  abstract release(key: string): Promise<void>;

  abstract clear(key: string): Promise<void>;

  /** Drops the counters whose window ended (where they do not expire by themselves); how many. */
  abstract purgeExpired(): Promise<number>;
}
