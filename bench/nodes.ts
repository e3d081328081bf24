// npm run bench:nodes — simulated nodes at scale and the lab's start-up
// (issue 5, "Benchmark"). One kubelet-sim process hosts 1,000 and then
// 5,000 nodes against one apiserver process (LevelDB in a temporary
// directory, log level warn), a fresh apiserver for each size:
// - the time from starting kubelet-sim until every Node is Ready, counted
//   from one watch of Nodes (ready-nodes.ts), and both processes' CPU then;
// - before the nodes start, 5 s of lease renewals on the idle apiserver
//   (the machine's and the synced store's own latency);
// - after settling (a lease period, then until the start-up events stop), a
//   steady window of BENCH_SECONDS (default 20 s, two lease periods) of
//   heartbeats: both processes' CPU (/proc utime+stime, as cores) and RSS,
//   the store's writes per second, and the latency of Lease renewals the
//   benchmark makes itself beside the nodes' (lease-renewals.ts);
// - `kubelab up` to its `export KUBECONFIG=` line, and startCluster({ nodes:
//   3 }), medians of 3 and 5 (lab-startup.ts).
// BENCH_NODES=1000,5000 picks the sizes; BENCH_CPU_PROF=<dir> writes a
// --cpu-prof of the apiserver for the largest size. Prints a table, then one
// JSON line. Every process it starts is stopped by its pid, even on error.
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startApiServer, stopChild } from './apiserver-process.js';
import { startKubeletSim, type KubeletSimProcess } from './kubelet-sim-process.js';
import { measureStartCluster, measureUp } from './lab-startup.js';
import { LeaseRenewer } from './lease-renewals.js';
import { fmt, percentile } from './load.js';
import { CpuWindow, memoryUsage } from './process-usage.js';
import { watchReadyNodes } from './ready-nodes.js';

const WINDOW_SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const SIZES = (process.env.BENCH_NODES ?? '1000,5000').split(',').map(Number);
const PROFILE_DIR = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined;
const LEASE_SECONDS = 10;
/** After all are Ready: at least one lease period (every node renews once), then until the start-up events stop, at most SETTLE_MAX_SECONDS. */
const SETTLE_SECONDS = LEASE_SECONDS;
const SETTLE_MAX_SECONDS = 90;
/** Lease renewals against the apiserver before the nodes start: the machine's and the store's own latency. */
const IDLE_PROBE_SECONDS = Math.min(5, WINDOW_SECONDS);
const READY_TIMEOUT_MS = 120_000;
/** 20 Leases of the benchmark's, 2 renewed every 100 ms: each once a second, 20 PUTs/s beside the nodes' N/10. */
const PROBE_LEASES = 20;
const PROBE_TICK_MS = 100;
const PROBE_PER_TICK = 2;
const START_CLUSTER_RUNS = 5;
const UP_RUNS = 3;
const NAME_PREFIX = 'sim-';

const targets = { readySec: 30, apiserverCores: 1, upSec: 2, startClusterMs: 300 } as const;

/** Every child this run started, so that an error or Ctrl-C stops them all (by pid). */
const children = new Set<ChildProcess>();

interface ScaleResult {
  readonly nodes: number;
  readonly readySec: number;
  readonly settleSec: number;
  readonly idleLeaseP50Ms: number;
  readonly idleLeaseP99Ms: number;
  readonly registerApiserverCores: number;
  readonly registerKubeletCores: number;
  readonly apiserverCores: number;
  readonly kubeletCores: number;
  readonly apiserverRssMb: number;
  readonly apiserverPeakRssMb: number;
  readonly kubeletRssMb: number;
  readonly writesPerSec: number;
  readonly eventsInWindow: number;
  readonly leaseP50Ms: number;
  readonly leaseP99Ms: number;
  readonly leaseMaxMs: number;
  readonly renewals: number;
  readonly renewalsSkipped: number;
  readonly renewalsFailed: number;
  readonly kubeletLogLines: number;
}

async function getJson<T>(url: string): Promise<T> {
  const answer = await fetch(url);
  if (!answer.ok) throw new Error(`GET ${url}: ${answer.status}`);
  return (await answer.json()) as T;
}

/** The store's revision, from a one-item list. */
async function storeRevision(url: string): Promise<number> {
  return Number((await getJson<{ metadata: { resourceVersion: string } }>(`${url}/api/v1/namespaces?limit=1`)).metadata.resourceVersion);
}

async function countEvents(url: string): Promise<number> {
  const list = await getJson<{ items: unknown[]; metadata: { remainingItemCount?: number } }>(`${url}/api/v1/events?limit=1`);
  return list.items.length + (list.metadata.remainingItemCount ?? 0);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits one lease period, then until no Event has been written for 2 s:
 * thousands of nodes starting at once queue tens of thousands of start-up
 * events behind the kubelet-sim's bounded event client, and they are no
 * part of heartbeating. Resolves with the seconds waited.
 */
async function settle(url: string): Promise<number> {
  const started = performance.now();
  await sleep(SETTLE_SECONDS * 1000);
  let last = await countEvents(url);
  let quietSince = performance.now();
  while (performance.now() - quietSince < 2_000 && performance.now() - started < SETTLE_MAX_SECONDS * 1000) {
    await sleep(500);
    const count = await countEvents(url);
    if (count !== last) quietSince = performance.now();
    last = count;
  }
  return (performance.now() - started) / 1000;
}

async function measureScale(nodes: number, profile: boolean): Promise<ScaleResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'kubelab-bench-nodes-'));
  const nodeArgs = profile && PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [];
  const server = await startApiServer(dataDir, nodeArgs);
  children.add(server.child);
  let kubelet: KubeletSimProcess | undefined;
  const renewer = new LeaseRenewer(server.url);
  try {
    await renewer.create('bench-lease-', PROBE_LEASES);
    const idle = (await renewer.renew(IDLE_PROBE_SECONDS, PROBE_TICK_MS, PROBE_PER_TICK)).latenciesMs;
    const watch = await watchReadyNodes(server.url, NAME_PREFIX, nodes);
    const started = performance.now();
    kubelet = startKubeletSim(server.url, { nodes, namePrefix: NAME_PREFIX, leaseSeconds: LEASE_SECONDS });
    children.add(kubelet.child);
    const registering = await CpuWindow.open([server.child.pid!, kubelet.child.pid!]);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${watch.ready()} of ${nodes} nodes Ready after ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
    });
    const readyAt = await Promise.race([watch.allReady, kubelet.exited, timeout]).finally(() => clearTimeout(timer));
    const [registerApiserverCores, registerKubeletCores] = await registering.cores();
    watch.close();
    const readySec = (readyAt - started) / 1000;
    console.log(`${nodes} nodes Ready in ${readySec.toFixed(1)} s; settling (at least ${SETTLE_SECONDS} s, until the start-up events stop)`);
    const settleSec = await settle(server.url);
    console.log(`settled in ${settleSec.toFixed(1)} s; ${WINDOW_SECONDS} s of heartbeats`);
    const [revision0, events0] = [await storeRevision(server.url), await countEvents(server.url)];
    const windowStarted = performance.now();
    const heartbeating = await CpuWindow.open([server.child.pid!, kubelet.child.pid!]);
    const renewals = await Promise.race([renewer.renew(WINDOW_SECONDS, PROBE_TICK_MS, PROBE_PER_TICK), kubelet.exited]);
    const [apiserverCores, kubeletCores] = await heartbeating.cores();
    const windowSec = (performance.now() - windowStarted) / 1000;
    const [revision1, events1] = [await storeRevision(server.url), await countEvents(server.url)];
    const [apiserverMemory, kubeletMemory] = await Promise.all([memoryUsage(server.child.pid!), memoryUsage(kubelet.child.pid!)]);
    const sorted = renewals.latenciesMs;
    return {
      nodes,
      readySec,
      settleSec,
      idleLeaseP50Ms: percentile(idle, 50),
      idleLeaseP99Ms: percentile(idle, 99),
      registerApiserverCores: registerApiserverCores!,
      registerKubeletCores: registerKubeletCores!,
      apiserverCores: apiserverCores!,
      kubeletCores: kubeletCores!,
      apiserverRssMb: apiserverMemory.rssMb,
      apiserverPeakRssMb: apiserverMemory.peakRssMb,
      kubeletRssMb: kubeletMemory.rssMb,
      writesPerSec: (revision1 - revision0) / windowSec,
      eventsInWindow: events1 - events0,
      leaseP50Ms: percentile(sorted, 50),
      leaseP99Ms: percentile(sorted, 99),
      leaseMaxMs: sorted[sorted.length - 1] ?? NaN,
      renewals: sorted.length,
      renewalsSkipped: renewals.skipped,
      renewalsFailed: renewals.failed,
      kubeletLogLines: kubelet.logLines(),
    };
  } finally {
    renewer.close();
    if (kubelet) {
      await stopChild(kubelet.child);
      children.delete(kubelet.child);
    }
    await stopChild(server.child);
    children.delete(server.child);
    await rm(dataDir, { recursive: true, force: true });
  }
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const verdict = (met: boolean) => (met ? 'met' : 'MISSED');
const round = (n: number, digits: number) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : null);

function printTable(scales: readonly ScaleResult[], upRuns: readonly number[], startClusterMs: readonly number[]): void {
  const upSec = median(upRuns);
  const largest = scales[scales.length - 1]!;
  const header = ['measure'.padEnd(42), ...scales.map((s) => `${s.nodes} nodes`.padStart(11)), 'target'];
  const row = (label: string, value: (s: ScaleResult) => string, target = '') =>
    console.log([label.padEnd(42), ...scales.map((s) => value(s).padStart(11)), target].join(' | '));
  console.log('\n' + header.join(' | '));
  console.log(header.map((h) => '-'.repeat(h.length)).join(' | '));
  row('all Nodes Ready, s', (s) => fmt(s.readySec, 1), `<= ${targets.readySec} s at ${largest.nodes}: ${verdict(largest.readySec <= targets.readySec)}`);
  row('  apiserver CPU while registering, cores', (s) => fmt(s.registerApiserverCores, 2));
  row('  kubelet-sim CPU while registering, cores', (s) => fmt(s.registerKubeletCores, 2));
  row('apiserver CPU heartbeating, cores', (s) => fmt(s.apiserverCores, 2), `< ${targets.apiserverCores}: ${verdict(scales.every((s) => s.apiserverCores < targets.apiserverCores))}`);
  row('kubelet-sim CPU heartbeating, cores', (s) => fmt(s.kubeletCores, 2));
  row('store writes/s heartbeating', (s) => fmt(s.writesPerSec), '(N/10 leases + 20 probes)');
  row('events written while heartbeating', (s) => String(s.eventsInWindow));
  row('apiserver RSS (peak), MB', (s) => `${fmt(s.apiserverRssMb)} (${fmt(s.apiserverPeakRssMb)})`);
  row('kubelet-sim RSS, MB', (s) => fmt(s.kubeletRssMb));
  row('settling after Ready (events drain), s', (s) => fmt(s.settleSec, 1));
  row('lease renewal p50 / p99 ms, no nodes yet', (s) => `${fmt(s.idleLeaseP50Ms, 1)} / ${fmt(s.idleLeaseP99Ms, 1)}`);
  row('lease renewal p50 ms', (s) => fmt(s.leaseP50Ms, 2));
  row('lease renewal p99 ms', (s) => fmt(s.leaseP99Ms, 2));
  row('lease renewal max ms', (s) => fmt(s.leaseMaxMs, 2));
  row('renewals (skipped, failed)', (s) => `${s.renewals} (${s.renewalsSkipped}, ${s.renewalsFailed})`);
  row('kubelet-sim log lines (warn and up)', (s) => String(s.kubeletLogLines));
  console.log(
    `\nkubelab up to export KUBECONFIG: median ${upSec.toFixed(2)} s of ${upRuns.map((sec) => sec.toFixed(2)).join(', ')}` +
      ` (target <= ${targets.upSec} s: ${verdict(upSec <= targets.upSec)})`,
  );
  console.log(
    `startCluster({ nodes: 3 }): median ${median(startClusterMs).toFixed(0)} ms of ${startClusterMs.map((ms) => ms.toFixed(0)).join(', ')}` +
      ` (target <= ${targets.startClusterMs} ms: ${verdict(median(startClusterMs) <= targets.startClusterMs)})`,
  );
}

function summary(scales: readonly ScaleResult[], upSec: number, startClusterMs: readonly number[], loadBefore: number[]): Record<string, unknown> {
  const largest = scales[scales.length - 1]!;
  const perSize: Record<string, unknown> = {};
  for (const s of scales) {
    perSize[`readySec${s.nodes}`] = round(s.readySec, 2);
    perSize[`idleLeaseP99Ms${s.nodes}`] = round(s.idleLeaseP99Ms, 2);
    perSize[`leaseP99Ms${s.nodes}`] = round(s.leaseP99Ms, 2);
    perSize[`apiserverCores${s.nodes}`] = round(s.apiserverCores, 3);
    perSize[`kubeletCores${s.nodes}`] = round(s.kubeletCores, 3);
    perSize[`apiserverRssMb${s.nodes}`] = round(s.apiserverRssMb, 0);
  }
  return {
    bench: 'nodes',
    nodes: largest.nodes,
    readySec: round(largest.readySec, 2),
    leaseP99Ms: round(largest.leaseP99Ms, 2),
    apiserverRssMb: round(largest.apiserverRssMb, 0),
    upSec: round(upSec, 2),
    startClusterMs: round(median(startClusterMs), 0),
    apiserverCores: round(largest.apiserverCores, 3),
    kubeletCores: round(largest.kubeletCores, 3),
    kubeletRssMb: round(largest.kubeletRssMb, 0),
    registerApiserverCores: round(largest.registerApiserverCores, 3),
    leaseP50Ms: round(largest.leaseP50Ms, 2),
    ...perSize,
    seconds: WINDOW_SECONDS,
    cores: cpus().length,
    loadavg: [...loadBefore, ...loadavg()].map((l) => round(l, 2)),
  };
}

async function main(): Promise<void> {
  const loadBefore = loadavg();
  console.log(
    `machine: ${cpus().length} cores, node ${process.version}, load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}; ` +
      `nodes ${SIZES.join(', ')}; ${WINDOW_SECONDS} s of heartbeats each`,
  );
  const startClusterMs = await measureStartCluster(3, START_CLUSTER_RUNS);
  console.log(`startCluster({ nodes: 3 }): ${startClusterMs.map((ms) => ms.toFixed(0)).join(', ')} ms`);
  const upRuns: number[] = [];
  for (let run = 0; run < UP_RUNS; run++) upRuns.push(await measureUp());
  const upSec = median(upRuns);
  console.log(`kubelab up: ${upRuns.map((sec) => sec.toFixed(2)).join(', ')} s`);
  const scales: ScaleResult[] = [];
  for (const [i, nodes] of SIZES.entries()) scales.push(await measureScale(nodes, i === SIZES.length - 1));
  console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  printTable(scales, upRuns, startClusterMs);
  console.log(JSON.stringify(summary(scales, upSec, startClusterMs, loadBefore)));
}

const stopAll = () => Promise.all([...children].map((child) => stopChild(child)));
process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => void stopAll());
