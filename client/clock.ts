// Time, injected (STYLE.md 12), as client-go passes k8s.io/utils/clock.Clock:
// the watch's backoff, the informer's resync, the work queue's delays and the
// leader elector's lease all read and wait on one of these, so tests move time
// by hand instead of sleeping.

/** A scheduled callback; cancel() is a no-op once it ran. */
export interface Timer {
  cancel(): void;
}

export interface Clock {
  now(): number;
  /** Runs `callback` once, `ms` from now. */
  schedule(ms: number, callback: () => void): Timer;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  schedule(ms, callback) {
    const handle = setTimeout(callback, ms);
    return { cancel: () => clearTimeout(handle) };
  },
};

/** Resolves after `ms` on `clock`, or at once when `signal` aborts. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      timer.cancel();
      resolve();
    };
    const timer = clock.schedule(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
