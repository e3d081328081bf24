// Driving the real kubectl (v1.32, installed on every machine here) against
// a kubelab API server: a kubeconfig and a discovery cache of its own, so a
// changed API never looks unchanged to kubectl.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

/** A kubelab API server on an in-memory store and a port of its own, and a kubectl against it. */
export async function kubectlWithServer(): Promise<{ kubectl: Kubectl; close: () => Promise<void> }> {
  const { openStore } = await import('../store/index.js');
  const { startApiServer } = await import('../apiserver/index.js');
  const store = await openStore({ backend: 'memory', autoCompaction: false });
  const server = await startApiServer({ store });
  const kubectl = await kubectlFor(server.url);
  return {
    kubectl,
    close: async () => {
      await kubectl.cleanup();
      await server.close();
      await store.close();
    },
  };
}
