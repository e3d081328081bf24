// npm run bench:daemonset — a DaemonSet on 1,000 simulated nodes (issue 6,
// "Benchmark"). Three processes as in the lab: an apiserver (LevelDB in a
// temporary directory), kubelet-sim with BENCH_NODES nodes (default 1,000),
// and the controllers process (scheduler, DaemonSet controller, GC...):
// - rollout: from starting `kubectl apply -f` of a DaemonSet to its status
//   saying every pod is Ready and available (numberReady = desired), with
//   the three processes' CPU meanwhile;
// - update: from `kubectl set image` with maxUnavailable 10% to every pod
//   updated and available again;
// - scheduler throughput: the controllers process and kubelet-sim stopped
//   (as upstream's scheduler_perf, whose nodes have no kubelet: the Nodes
//   stay, Ready), BENCH_PODS (default 2,000) unscheduled pods created, then
//   a controllers process running only the scheduler started; pods bound
//   per second between the first and the last binding, seen on one watch of
//   pods. Upstream's scheduler_perf floor is 680 pods/s (at 5,000 nodes).
// BENCH_NODES, BENCH_PODS and BENCH_CPU_PROF (see below) change the run.
// Prints a table, then one JSON line. Every process it starts is stopped by
// its pid, even on error.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { kubeconfigFor } from '../scripts/kubeconfig.js';
import { startApiServer, stopChild } from './apiserver-process.js';
import { startKubeletSim } from './kubelet-sim-process.js';
import { fmt } from './load.js';
import { CpuWindow } from './process-usage.js';
import { watchReadyNodes } from './ready-nodes.js';
import { watchEvents } from './watch-events.js';

const NODES = Number(process.env.BENCH_NODES ?? 1000);
const PODS = Number(process.env.BENCH_PODS ?? 2000);
const NAME_PREFIX = 'sim-';
const LEASE_SECONDS = 10;
const TIMEOUT_MS = 300_000;
const targets = { rolloutSec: 10, schedulerPodsPerSec: 680 } as const;
const controllersPath = fileURLToPath(new URL('../controllers/main.js', import.meta.url));
const KUBECTL = process.env.KUBECTL ?? 'kubectl';
/** BENCH_CPU_PROF=<dir>: a --cpu-prof of each controllers process, to see where a rollout's time goes. */
const PROFILE_DIR = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined;

/** Every child this run started, so that an error or Ctrl-C stops them all (by pid). */
const children = new Set<ChildProcess>();

const daemonSet = (image: string) => `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: bench
  namespace: default
spec:
  selector:
    matchLabels:
      app: bench
  updateStrategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 10%
  template:
    metadata:
      labels:
        app: bench
    spec:
      containers:
      - name: app
        image: ${image}
        resources:
          requests:
            cpu: 10m
            memory: 16Mi
`;

interface DaemonSetStatus {
  metadata: { generation?: number };
  status?: {
    desiredNumberScheduled?: number;
    numberReady?: number;
    numberAvailable?: number;
    updatedNumberScheduled?: number;
    observedGeneration?: number;
  };
}

function startControllers(url: string, only?: string): ChildProcess {
  const profile = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [];
  const args = [...profile, controllersPath, '--server', url, ...(only ? ['--controllers', only] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, LOG_LEVEL: 'warn' } });
  children.add(child);
  return child;
}

function kubectl(kubeconfig: string, cacheDir: string, ...args: string[]): Promise<string> {
  const env = { ...process.env, KUBECONFIG: kubeconfig, KUBECACHEDIR: cacheDir };
  return new Promise((resolve, reject) =>
    execFile(KUBECTL, args, { env, timeout: 60_000 }, (error, stdout, stderr) => (error ? reject(new Error(`kubectl ${args.join(' ')}: ${stderr || error.message}`)) : resolve(stdout))),
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls the DaemonSet until `done` says so; resolves with performance.now() then. */
async function untilStatus(url: string, what: string, done: (ds: DaemonSetStatus) => boolean): Promise<number> {
  const deadline = performance.now() + TIMEOUT_MS;
  let last: DaemonSetStatus | undefined;
  while (performance.now() < deadline) {
    const answer = await fetch(`${url}/apis/apps/v1/namespaces/default/daemonsets/bench`);
    if (answer.ok) {
      last = (await answer.json()) as DaemonSetStatus;
      if (done(last)) return performance.now();
    }
    await sleep(100);
  }
  throw new Error(`${what}: not within ${TIMEOUT_MS / 1000} s; last status ${JSON.stringify(last?.status)}`);
}

/** When each pod of the default namespace was first seen, bound and Ready, from one watch. */
async function watchPodStages(url: string) {
  const created = new Map<string, number>();
  const bound = new Map<string, number>();
  const ready = new Map<string, number>();
  type PodShape = { metadata?: { name?: string }; spec?: { nodeName?: string }; status?: { conditions?: { type: string; status: string }[] } };
  const watch = await watchEvents<PodShape>(url, '/api/v1/namespaces/default/pods', (event) => {
    const name = event.object.metadata?.name;
    if (!name || event.type === 'DELETED') return;
    const now = performance.now();
    if (!created.has(name)) created.set(name, now);
    if (event.object.spec?.nodeName && !bound.has(name)) bound.set(name, now);
    if (!ready.has(name) && event.object.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) ready.set(name, now);
  });
  return { watch, created, bound, ready };
}

/** Creates `count` unscheduled pods in `namespace`, 32 at a time. */
async function createPods(url: string, namespace: string, count: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const n = next++;
      const body = { apiVersion: 'v1', kind: 'Pod', metadata: { name: `sched-${n}`, labels: { app: 'sched' } }, spec: { containers: [{ name: 'app', image: 'busybox', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] } };
      const answer = await fetch(`${url}/api/v1/namespaces/${namespace}/pods`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (answer.status !== 201) throw new Error(`create pod: HTTP ${answer.status} ${await answer.text()}`);
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
}

interface Result {
  nodesReadySec: number;
  rolloutSec: number;
  rolloutCores: number[];
  /** When the last pod was created, bound and Ready, from the apply. */
  rolloutStages: { createdSec: number; boundSec: number; readySec: number };
  updateSec: number;
  schedulerPodsPerSec: number;
  schedulerSec: number;
  schedulerStartToAllBoundSec: number;
}

async function run(dir: string): Promise<Result> {
  const server = await startApiServer(join(dir, 'data'));
  children.add(server.child);
  const kubeconfig = join(dir, 'kubeconfig');
  const cacheDir = join(dir, 'cache');
  await writeFile(kubeconfig, kubeconfigFor(server.url));

  const nodesWatch = await watchReadyNodes(server.url, NAME_PREFIX, NODES);
  const nodesStarted = performance.now();
  const kubelet = startKubeletSim(server.url, { nodes: NODES, namePrefix: NAME_PREFIX, leaseSeconds: LEASE_SECONDS });
  children.add(kubelet.child);
  const nodesReadySec = ((await Promise.race([nodesWatch.allReady, kubelet.exited])) - nodesStarted) / 1000;
  nodesWatch.close();
  console.log(`${NODES} nodes Ready in ${nodesReadySec.toFixed(1)} s`);

  let controllers = startControllers(server.url);
  await sleep(2_000); // its informers' first lists
  await kubectl(kubeconfig, cacheDir, 'version'); // warms kubectl's discovery cache, as a student's second command
  const manifest = join(dir, 'ds.yaml');
  await writeFile(manifest, daemonSet('busybox:1.36'));

  console.log(`rollout: kubectl apply of a DaemonSet on ${NODES} nodes`);
  const stages = await watchPodStages(server.url);
  const cpu = await CpuWindow.open([server.child.pid!, controllers.pid!, kubelet.child.pid!]);
  const applied = performance.now();
  await kubectl(kubeconfig, cacheDir, 'apply', '-f', manifest);
  const rolledOut = await untilStatus(server.url, 'rollout', (ds) => ds.status?.desiredNumberScheduled === NODES && ds.status.numberReady === NODES && ds.status.numberAvailable === NODES);
  const rolloutCores = await cpu.cores();
  stages.watch.close();
  const rolloutSec = (rolledOut - applied) / 1000;
  const lastAt = (times: Map<string, number>) => (Math.max(...times.values()) - applied) / 1000;
  const rolloutStages = { createdSec: lastAt(stages.created), boundSec: lastAt(stages.bound), readySec: lastAt(stages.ready) };
  console.log(`rolled out in ${rolloutSec.toFixed(1)} s`);

  console.log('update: kubectl set image, maxUnavailable 10%');
  const updating = performance.now();
  await kubectl(kubeconfig, cacheDir, 'set', 'image', 'ds/bench', 'app=busybox:1.37');
  const updated = await untilStatus(
    server.url,
    'update',
    (ds) => ds.status?.observedGeneration === ds.metadata.generation && ds.status?.updatedNumberScheduled === NODES && ds.status.numberAvailable === NODES,
  );
  const updateSec = (updated - updating) / 1000;
  console.log(`updated in ${updateSec.toFixed(1)} s`);

  console.log(`scheduler: ${PODS} pending pods, then a scheduler`);
  await stopChild(controllers);
  children.delete(controllers);
  await stopChild(kubelet.child);
  children.delete(kubelet.child);
  await kubectl(kubeconfig, cacheDir, 'create', 'namespace', 'sched');
  await createPods(server.url, 'sched', PODS);
  const bound = new Set<string>();
  let firstBound = 0;
  let lastBound = 0;
  let resolveAll!: () => void;
  const allBound = new Promise<void>((resolve) => (resolveAll = resolve));
  const podWatch = await watchEvents<{ metadata?: { name?: string }; spec?: { nodeName?: string } }>(server.url, '/api/v1/namespaces/sched/pods', (event) => {
    const name = event.object.metadata?.name;
    if (!name || !event.object.spec?.nodeName || bound.has(name)) return;
    bound.add(name);
    const now = performance.now();
    if (bound.size === 1) firstBound = now;
    lastBound = now;
    if (bound.size === PODS) resolveAll();
  });
  const schedulerStarted = performance.now();
  controllers = startControllers(server.url, 'scheduler');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${bound.size} of ${PODS} pods bound after ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS)));
  await Promise.race([allBound, podWatch.ended, timeout]).finally(() => clearTimeout(timer));
  podWatch.close();
  const schedulerSec = (lastBound - firstBound) / 1000;
  return {
    nodesReadySec,
    rolloutSec,
    rolloutCores,
    rolloutStages,
    updateSec,
    schedulerPodsPerSec: (PODS - 1) / schedulerSec,
    schedulerSec,
    schedulerStartToAllBoundSec: (lastBound - schedulerStarted) / 1000,
  };
}

const verdict = (met: boolean) => (met ? 'met' : 'MISSED');
const round = (n: number, digits: number) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : null);

function printTable(r: Result): void {
  const rows: [string, string, string][] = [
    [`${NODES} nodes Ready, s`, fmt(r.nodesReadySec, 1), ''],
    ['rollout: apply to all pods Ready, s', fmt(r.rolloutSec, 1), `<= ${targets.rolloutSec} s: ${verdict(r.rolloutSec <= targets.rolloutSec)}`],
    ['  last pod created / bound / Ready, s after the apply', [r.rolloutStages.createdSec, r.rolloutStages.boundSec, r.rolloutStages.readySec].map((t) => fmt(t, 1)).join(' / '), ''],
    ['  CPU meanwhile: apiserver / controllers / kubelet-sim, cores', r.rolloutCores.map((c) => fmt(c, 2)).join(' / '), ''],
    ['update: set image to all updated and available (maxUnavailable 10%), s', fmt(r.updateSec, 1), ''],
    [`scheduler: ${PODS} pods bound, first to last binding, s`, fmt(r.schedulerSec, 2), ''],
    ['scheduler throughput, pods/s', fmt(r.schedulerPodsPerSec), `>= ${targets.schedulerPodsPerSec} (upstream's floor at 5,000 nodes): ${verdict(r.schedulerPodsPerSec >= targets.schedulerPodsPerSec)}`],
    ['  scheduler process start to all bound, s', fmt(r.schedulerStartToAllBoundSec, 2), ''],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  console.log(`\n${'measure'.padEnd(width)} | ${'value'.padStart(17)} | target`);
  console.log(`${'-'.repeat(width)} | ${'-'.repeat(17)} | ------`);
  for (const [label, value, target] of rows) console.log(`${label.padEnd(width)} | ${value.padStart(17)} | ${target}`);
}

async function main(): Promise<void> {
  const loadBefore = loadavg();
  console.log(`machine: ${cpus().length} cores, node ${process.version}, load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}; ${NODES} nodes, ${PODS} pods`);
  const dir = await mkdtemp(join(tmpdir(), 'kubelab-bench-ds-'));
  try {
    const result = await run(dir);
    console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    printTable(result);
    console.log(
      JSON.stringify({
        bench: 'daemonset',
        nodes: NODES,
        rolloutSec: round(result.rolloutSec, 2),
        updateSec: round(result.updateSec, 2),
        schedulerPodsPerSec: round(result.schedulerPodsPerSec, 0),
        schedulerPods: PODS,
        nodesReadySec: round(result.nodesReadySec, 2),
        rolloutCores: result.rolloutCores.map((c) => round(c, 2)),
        rolloutStagesSec: Object.fromEntries(Object.entries(result.rolloutStages).map(([k, v]) => [k, round(v, 2)])),
        cores: cpus().length,
        loadavg: [...loadBefore, ...loadavg()].map((l) => round(l, 2)),
      }),
    );
  } finally {
    await stopAll();
    await rm(dir, { recursive: true, force: true });
  }
}

const stopAll = () => Promise.all([...children].map((child) => stopChild(child)));
process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
