// upstream controller_utils.go / replica_set.go slowStartBatch: `count` calls
// of `call`, in batches of 1, 2, 4, ... (SlowStartInitialBatchSize, then
// doubling); the calls of a batch run together. A batch with a failure ends
// it: the rest are skipped. So a controller whose creates all fail (a quota,
// an admission webhook) makes one request, not hundreds, and records one
// FailedCreate.

/** upstream controller.SlowStartInitialBatchSize */
export const SLOW_START_INITIAL_BATCH_SIZE = 1;

export interface SlowStartResult {
  /** Calls that succeeded. */
  readonly successes: number;
  /** Calls never made (after a failed batch). */
  readonly skipped: number;
  /** The first failure, if any. */
  readonly error?: unknown;
}

/** Calls `call(index)` for index 0 .. count-1, batch by batch; never rejects. */
export async function slowStartBatch(count: number, call: (index: number) => Promise<void>, initialBatchSize = SLOW_START_INITIAL_BATCH_SIZE): Promise<SlowStartResult> {
  let successes = 0;
  let pos = 0;
  for (let batch = Math.min(count, initialBatchSize); batch > 0; batch = Math.min(2 * batch, count - pos)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, (_, i) => call(pos + i)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += results.length - results.filter((r) => r.status === 'rejected').length;
    pos += batch;
    if (failed) return { successes, skipped: count - pos, error: failed.reason };
  }
  return { successes, skipped: 0 };
}
