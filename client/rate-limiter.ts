// How long a key waits before it is retried, as client-go's
// util/workqueue/default_rate_limiters.go ItemExponentialFailureRateLimiter:
// base * 2^failures, capped, per key, until forget().

export interface RateLimiter<K> {
  /** The wait before `key` is tried again; each call counts one more failure. */
  when(key: K): number;
  /** `key` succeeded: its next failure starts from the base again. */
  forget(key: K): void;
  /** How many failures `key` has had since it was last forgotten. */
  numRequeues(key: K): number;
}

export interface ExponentialRateLimiterOptions {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** client-go's DefaultControllerRateLimiter's per-item part: 5 ms doubling up to 1000 s. */
export const exponentialRateLimiterDefaults: ExponentialRateLimiterOptions = { baseDelayMs: 5, maxDelayMs: 1_000_000 };

export class ExponentialRateLimiter<K> implements RateLimiter<K> {
  private readonly failures = new Map<K, number>();
  private readonly options: ExponentialRateLimiterOptions;

  constructor(options: Partial<ExponentialRateLimiterOptions> = {}) {
    this.options = { ...exponentialRateLimiterDefaults, ...options };
  }

  when(key: K): number {
    const failures = this.failures.get(key) ?? 0;
    this.failures.set(key, failures + 1);
    return Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** failures);
  }

  forget(key: K): void {
    this.failures.delete(key);
  }

  numRequeues(key: K): number {
    return this.failures.get(key) ?? 0;
  }
}
