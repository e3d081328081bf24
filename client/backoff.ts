// Exponential backoff between reconnects and re-lists, as client-go's
// reflector uses wait.NewExponentialBackoffManager(800ms, 30s, 2m, 2.0, 1.0):
// each failure doubles the wait up to a cap, with jitter so that many
// clients cut off at once do not come back at once.

export interface BackoffOptions {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly factor: number;
  /** Up to this fraction of the delay is added at random (1.0 upstream). */
  readonly jitter: number;
  /** A random source in [0, 1), injected (STYLE.md 12). */
  readonly random: () => number;
}

export const backoffDefaults: BackoffOptions = { initialMs: 800, maxMs: 30_000, factor: 2, jitter: 1, random: Math.random };

export class Backoff {
  private readonly options: BackoffOptions;
  private failures = 0;

  constructor(options: Partial<BackoffOptions> = {}) {
    this.options = { ...backoffDefaults, ...options };
  }

  /** The wait before the next attempt; each call counts one more failure. */
  next(): number {
    const { initialMs, maxMs, factor, jitter, random } = this.options;
    const base = Math.min(maxMs, initialMs * factor ** this.failures);
    this.failures++;
    return base + base * jitter * random();
  }

  /** A success: the next failure waits the initial delay again. */
  reset(): void {
    this.failures = 0;
  }
}
