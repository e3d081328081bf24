// Driving the real kubectl (v1.32, installed on every machine here) against
// a kubelab API server: a kubeconfig and a discovery cache of its own, so a
// changed API never looks unchanged to kubectl.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { startApiServer, type RunningApiServer } from '../apiserver/index.js';
import { defaultPodStages, scaleStageDelays } from '../kubelet-sim/index.js';
import { startCluster, type Cluster, type ClusterOptions } from '../scripts/start-cluster.js';
import { kinds, type KubeObject, type TypedResource } from '../client/index.js';
import { openStore } from '../store/index.js';
import { twinWatch, type TwinWatch } from './watch-guarantees/index.js';

export interface Kubectl {
  readonly dir: string;
  /** Runs kubectl; resolves with its output and exit code, never rejects on a non-zero exit. */
  run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Writes a manifest into the kubectl folder and returns its path. */
  manifest(name: string, text: string): Promise<string>;
  /** Starts a long-running kubectl (get -w); the caller kills it. */
  spawn(...args: string[]): ChildProcess;
  cleanup(): Promise<void>;
}

export const KUBECTL = process.env.KUBECTL ?? 'kubectl';

export async function kubectlFor(serverUrl: string, namespace = 'default'): Promise<Kubectl> {
  const dir = await mkdtemp(join(tmpdir(), 'kubelab-kubectl-'));
  const config = join(dir, 'config');
  await writeFile(
    config,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: kubelab',
      '  cluster:',
      `    server: ${serverUrl}`,
      'users:',
      '- name: admin',
      '  user: {}',
      'contexts:',
      '- name: kubelab',
      '  context:',
      '    cluster: kubelab',
      '    user: admin',
      `    namespace: ${namespace}`,
      'current-context: kubelab',
      '',
    ].join('\n'),
  );
  const env = { ...process.env, KUBECONFIG: config, KUBECACHEDIR: join(dir, 'cache'), HOME: dir };
  const children = new Set<ChildProcess>();
  return {
    dir,
    run: (...args) =>
      new Promise((resolve) => {
        execFile(KUBECTL, args, { env, timeout: 30_000 }, (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ code, stdout, stderr });
        });
      }),
    manifest: async (name, text) => {
      const path = join(dir, name);
      await writeFile(path, text);
      return path;
    },
    spawn: (...args) => {
      const child = spawn(KUBECTL, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
      children.add(child);
      child.on('exit', () => children.delete(child));
      return child;
    },
    cleanup: async () => {
      for (const child of children) child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * For one test file: an API server on a memory store and a kubectl for it,
 * started before the file's tests and stopped after them (node:test hooks).
 */
export function serverWithKubectl(): { server: RunningApiServer; kubectl: Kubectl } {
  const context = {} as { server: RunningApiServer; kubectl: Kubectl };
  let closeStore: () => Promise<void> = () => Promise.resolve();
  before(async () => {
    const store = await openStore({ backend: 'memory', autoCompaction: false });
    closeStore = () => store.close();
    context.server = await startApiServer({ store });
    context.kubectl = await kubectlFor(context.server.url);
  });
  after(async () => {
    await context.kubectl?.cleanup();
    await context.server?.close();
    await closeStore();
  });
  return context;
}

export interface LabWithKubectl {
  readonly cluster: Cluster;
  readonly kubectl: Kubectl;
  /** Runs kubectl and answers its output; a non-zero exit fails the test with kubectl's stderr. */
  readonly ok: (...args: string[]) => Promise<string>;
  /** `kubectl get <args>` rows, split into columns at runs of two or more spaces (empty cells vanish). */
  readonly rows: (...args: string[]) => Promise<string[][]>;
  /**
   * Starts `kubectl get <args> -w --no-headers` and collects the lines it
   * prints, with a twin watch of the same objects (watch-guarantees/twin-watch.ts:
   * kubectl's table has no resourceVersions to check); stopped and the twin
   * checked by stop() or, at the latest, with the lab.
   */
  readonly watch: (...args: string[]) => WatchedLines;
}

export interface WatchedLines {
  /** Every non-empty line printed so far, in order. */
  readonly lines: string[];
  /** The index of the first line from `from` on matching `pattern`, or -1. */
  firstLine(pattern: RegExp, from?: number): number;
  /** Kills kubectl and asserts the twin watch's guarantees (once; later calls answer the same). */
  stop(): Promise<{ events: number; from: number }>;
}

/**
 * The resource and selectors of `kubectl get <args>`, for its twin watch.
 * Only the arguments the tests use; any other fails loudly rather than twin
 * the wrong objects.
 */
function watchedResource(args: readonly string[]): { type: TypedResource<KubeObject>; namespace: string; labelSelector?: string } {
  const [resource, ...flags] = args;
  let namespace = 'default';
  let labelSelector: string | undefined;
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i]!;
    if (flag === '-l' || flag === '--selector') labelSelector = flags[++i];
    else if (flag === '-n' || flag === '--namespace') namespace = flags[++i] ?? namespace;
    else throw new Error(`lab.watch: no twin watch for kubectl get ${args.join(' ')} (${flag}); teach watchedResource the argument`);
  }
  const types: TypedResource<KubeObject>[] = Object.values(kinds);
  const type = types.find((k) => k.plural === resource || k.kind.toLowerCase() === resource || k.shortNames.includes(resource ?? ''));
  if (!type) throw new Error(`lab.watch: ${resource} is not in client/kinds`);
  return { type, namespace, labelSelector };
}

/** Collects the lines a long-running kubectl prints. */
function collectLines(child: ChildProcess): Omit<WatchedLines, 'stop'> {
  const lines: string[] = [];
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const complete = buffer.split('\n');
    buffer = complete.pop() ?? '';
    lines.push(...complete.filter((l) => l.trim() !== ''));
  });
  return { lines, firstLine: (pattern, from = 0) => lines.findIndex((line, i) => i >= from && pattern.test(line)) };
}

/**
 * For one test file: a lab (startCluster, 3 nodes, pod stages ten times
 * shorter, leases every 200 ms unless `options` say otherwise) and a kubectl
 * for it, started before the file's tests and stopped after them.
 */
export function labWithKubectl(options: ClusterOptions = {}): LabWithKubectl {
  let cluster: Cluster | undefined;
  let kubectl: Kubectl | undefined;
  const watches: WatchedLines[] = [];
  before(async () => {
    cluster = await startCluster({
      nodes: 3,
      ...options,
      kubelet: { leaseRenewMs: 200, stages: scaleStageDelays(defaultPodStages, 0.1), ...options.kubelet },
    });
    kubectl = await kubectlFor(cluster.url);
  });
  after(async () => {
    try {
      // Every kubectl -w's twin, checked before the lab goes.
      for (const watched of watches) await watched.stop();
    } finally {
      await kubectl?.cleanup();
      await cluster?.stop();
    }
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('labWithKubectl: used before its before() hook ran');
    return value;
  };
  const ok = async (...args: string[]) => {
    const run = await started(kubectl).run(...args);
    assert.equal(run.code, 0, `kubectl ${args.join(' ')}: ${run.stderr}`);
    return run.stdout;
  };
  return {
    get cluster() {
      return started(cluster);
    },
    get kubectl() {
      return started(kubectl);
    },
    ok,
    rows: async (...args) =>
      (await ok('get', ...args))
        .trim()
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => line.trim().split(/\s{2,}/)),
    watch: (...args) => {
      const { type, namespace, labelSelector } = watchedResource(args);
      const lab = started(cluster);
      const twin = twinWatch(lab.url, lab.client.resource(type, namespace), { labelSelector }, `twin of kubectl get ${args.join(' ')} -w`);
      const child = started(kubectl).spawn('get', ...args, '-w', '--no-headers');
      let stopped: ReturnType<TwinWatch['stop']> | undefined;
      const watched: WatchedLines = {
        ...collectLines(child),
        stop: () => {
          child.kill('SIGKILL');
          return (stopped ??= twin.stop());
        },
      };
      watches.push(watched);
      return watched;
    },
  };
}

/** The nginx pod of the kubectl tests (label app=web), as a manifest. */
export const podManifest = (name: string, image = 'nginx:1.27'): string => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels:
    app: web
spec:
  containers:
  - name: nginx
    image: ${image}
`;
