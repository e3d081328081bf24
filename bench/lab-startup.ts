// How long the lab takes to be usable: `kubelab up` as a user runs it (its
// own process, which starts the apiserver, the controllers and three
// kubelet-sim processes) until it prints `export KUBECONFIG=`, and
// startCluster() in this process until it resolves.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startCluster } from '../scripts/start-cluster.js';
import { stopChild } from './apiserver-process.js';
import { freePort } from './load.js';

const kubelabPath = fileURLToPath(new URL('../scripts/kubelab.js', import.meta.url));

/** Seconds from spawning `kubelab up --fresh` to its `export KUBECONFIG=` line; then SIGTERM and its exit (it stops its children). */
export async function measureUp(timeoutMs = 30_000): Promise<number> {
  const dataDir = await mkdtemp(join(tmpdir(), 'kubelab-bench-up-'));
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [kubelabPath, 'up', '--fresh', '--data-dir', dataDir, '--port', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'warn' },
  });
  const output: string[] = [];
  try {
    return await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`kubelab up: no export KUBECONFIG within ${timeoutMs / 1000} s:\n${output.join('\n')}`)), timeoutMs);
      createInterface({ input: child.stderr }).on('line', (line) => output.push(line));
      createInterface({ input: child.stdout }).on('line', (line) => {
        output.push(line);
        if (line.startsWith('export KUBECONFIG=')) {
          clearTimeout(timer);
          resolve((performance.now() - started) / 1000);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`kubelab up exited (${code}) before export KUBECONFIG:\n${output.join('\n')}`));
      });
    });
  } finally {
    // kubelab up stops its apiserver, controllers and kubelets itself, each within 5 s.
    await stopChild(child, 30_000);
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Milliseconds of `await startCluster({ nodes })`, each run stopped before the next, `runs` times. */
export async function measureStartCluster(nodes: number, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    const cluster = await startCluster({ nodes });
    times.push(performance.now() - started);
    await cluster.stop();
  }
  return times;
}
