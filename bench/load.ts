// Load generation shared by the benchmarks: closed-loop workers and
// percentiles.
import { performance } from 'node:perf_hooks';

export interface LoopResult {
  readonly perSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly count: number;
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * `workers` loops each calling `op(worker, n)` back to back: first for
 * `warmupMs` unmeasured, then for `seconds`, recording every latency.
 */
export async function closedLoop(
  workers: number,
  seconds: number,
  op: (worker: number, n: number) => Promise<void>,
  warmupMs = 500,
): Promise<LoopResult> {
  const latencies: number[] = [];
  let next = 0;
  const loop = async (id: number, until: number, record: boolean): Promise<number> => {
    let done = 0;
    while (performance.now() < until) {
      const started = performance.now();
      await op(id, next++);
      if (record) latencies.push(performance.now() - started);
      done++;
    }
    return done;
  };
  if (warmupMs > 0) await Promise.all(Array.from({ length: workers }, (_, id) => loop(id, performance.now() + warmupMs, false)));
  const started = performance.now();
  const counts = await Promise.all(Array.from({ length: workers }, (_, id) => loop(id, started + seconds * 1000, true)));
  const elapsed = (performance.now() - started) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  const count = counts.reduce((a, b) => a + b, 0);
  return { perSec: count / elapsed, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), count };
}

export const fmt = (n: number | undefined | null, digits = 0): string => (n === undefined || n === null || Number.isNaN(n) ? '-' : n.toFixed(digits));

export { freePort } from '../scripts/ports.js';
