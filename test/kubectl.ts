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
import { openStore } from '../store/index.js';

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
  /** `kubectl get <args> --no-headers`: its rows split into columns ("No resources" is no row). */
  readonly rows: (...args: string[]) => Promise<string[][]>;
}

/**
 * For one test file: a lab (startCluster, 3 nodes, pod stages ten times
 * shorter, leases every 200 ms unless `options` say otherwise) and a kubectl
 * for it, started before the file's tests and stopped after them.
 */
export function labWithKubectl(options: ClusterOptions = {}): LabWithKubectl {
  let cluster: Cluster | undefined;
  let kubectl: Kubectl | undefined;
  before(async () => {
    cluster = await startCluster({
      nodes: 3,
      ...options,
      kubelet: { leaseRenewMs: 200, stages: scaleStageDelays(defaultPodStages, 0.1), ...options.kubelet },
    });
    kubectl = await kubectlFor(cluster.url);
  });
  after(async () => {
    await kubectl?.cleanup();
    await cluster?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('labWithKubectl: used before its before() hook ran');
    return value;
  };
  return {
    get cluster() {
      return started(cluster);
    },
    get kubectl() {
      return started(kubectl);
    },
    ok: async (...args) => {
      const run = await started(kubectl).run(...args);
      assert.equal(run.code, 0, `kubectl ${args.join(' ')}: ${run.stderr}`);
      return run.stdout;
    },
    rows: async (...args) => {
      const run = await started(kubectl).run('get', ...args, '--no-headers');
      assert.equal(run.code, 0, `kubectl get ${args.join(' ')}: ${run.stderr}`);
      return run.stdout
        .trim()
        .split('\n')
        .filter((line) => line !== '' && !line.startsWith('No resources'))
        .map((line) => line.trim().split(/\s{2,}|\s+/));
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
