// A real etcd beside kubelab in a benchmark: the Debian package's binary
// (`apt-get install etcd-server`), started on loopback ports of its own with
// a temporary data directory, and stopped (only it, by its pid) afterwards.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { freePort } from './load.js';

export interface EtcdServer {
  readonly endpoint: string;
  readonly version: string;
  client(): Etcd3;
  stop(): Promise<void>;
}

const CANDIDATES = [process.env.ETCD_BIN, '/usr/bin/etcd', '/usr/local/bin/etcd'];

export function findEtcd(): string | undefined {
  return CANDIDATES.find((path): path is string => path !== undefined && existsSync(path));
}


function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Starts etcd, or answers undefined when no etcd binary is installed. */
export async function startEtcd(): Promise<EtcdServer | undefined> {
  const binary = findEtcd();
  if (!binary) return undefined;
  const dataDir = await mkdtemp(join(tmpdir(), 'kubelab-bench-etcd-'));
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const endpoint = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const child = spawn(
    binary,
    [
      '--name=bench',
      `--data-dir=${dataDir}`,
      `--listen-client-urls=${endpoint}`,
      `--advertise-client-urls=${endpoint}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=bench=${peer}`,
      '--logger=zap',
      '--log-level=error',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const clients: Etcd3[] = [];
  const stop = async (): Promise<void> => {
    for (const c of clients) c.close();
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if (!(await exited(child, 5_000))) {
        child.kill('SIGKILL');
        await exited(child, 5_000);
      }
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const version = await waitHealthy(endpoint, child, () => stderr);
    return {
      endpoint,
      version,
      client: () => {
        const client = new Etcd3({ hosts: endpoint });
        clients.push(client);
        return client;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function waitHealthy(endpoint: string, child: ChildProcess, stderr: () => string): Promise<string> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`etcd exited with code ${child.exitCode}: ${stderr()}`);
    try {
      const health = (await (await fetch(`${endpoint}/health`)).json()) as { health?: string };
      if (health.health === 'true') {
        const version = (await (await fetch(`${endpoint}/version`)).json()) as { etcdserver?: string };
        return version.etcdserver ?? 'unknown';
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`etcd did not become healthy within 15 s: ${stderr()}`);
}
