// A throwaway etcd cluster on loopback (tests, benchmarks, a lab's HA mode):
// the Debian package's binary (`apt-get install etcd-server`), each member on
// free ports of its own with a temporary data directory, stopped (only the
// processes it started, by their pid) and removed afterwards.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';

export interface EtcdMember {
  readonly name: string;
  /** Its client URL. */
  readonly endpoint: string;
  readonly pid: number | undefined;
  /** Stops this member alone (SIGTERM, then SIGKILL after 5 s). */
  stop(): Promise<void>;
}

export interface EtcdCluster {
  /** The client URLs of every member. */
  readonly endpoints: readonly string[];
  readonly members: readonly EtcdMember[];
  /** etcd's version, e.g. 3.4.23. */
  readonly version: string;
  /** A raw etcd3 client on every member, closed with the cluster. */
  client(): Etcd3;
  /** Stops every member and removes their data directories. */
  stop(): Promise<void>;
}

export interface EtcdClusterOptions {
  /** How many members (default 1). */
  readonly members?: number;
  /** etcd's --max-request-bytes: room for kubelab's 1.5 MiB values with the request around them. */
  readonly maxRequestBytes?: number;
}

const CANDIDATES = [process.env.ETCD_BIN, '/usr/bin/etcd', '/usr/local/bin/etcd'];
const STARTUP_MS = 15_000;

/** The etcd binary: $ETCD_BIN, /usr/bin/etcd (Debian's etcd-server) or /usr/local/bin/etcd. */
export function findEtcd(): string | undefined {
  return CANDIDATES.find((path): path is string => path !== undefined && existsSync(path));
}

/** A loopback port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
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

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  if (!(await exited(child, 5_000))) {
    child.kill('SIGKILL');
    await exited(child, 5_000);
  }
}

interface Planned {
  readonly name: string;
  readonly endpoint: string;
  readonly peer: string;
}

/** Starts an etcd cluster, or answers undefined when no etcd binary is installed. */
export async function startEtcdCluster(options: EtcdClusterOptions = {}): Promise<EtcdCluster | undefined> {
  const binary = findEtcd();
  if (!binary) return undefined;
  const count = options.members ?? 1;
  const planned: Planned[] = [];
  for (let i = 0; i < count; i++) {
    const [clientPort, peerPort] = [await freePort(), await freePort()];
    planned.push({ name: `m${i}`, endpoint: `http://127.0.0.1:${clientPort}`, peer: `http://127.0.0.1:${peerPort}` });
  }
  const initialCluster = planned.map((p) => `${p.name}=${p.peer}`).join(',');
  const dataDirs: string[] = [];
  const children: ChildProcess[] = [];
  const stderr: string[] = [];
  const clients: Etcd3[] = [];
  const stop = async (): Promise<void> => {
    for (const c of clients) c.close();
    await Promise.all(children.map(stopProcess));
    await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  };
  try {
    for (const [i, p] of planned.entries()) {
      const dataDir = await mkdtemp(join(tmpdir(), 'kubelab-etcd-'));
      dataDirs.push(dataDir);
      const child = spawn(
        binary,
        [
          `--name=${p.name}`,
          `--data-dir=${dataDir}`,
          `--listen-client-urls=${p.endpoint}`,
          `--advertise-client-urls=${p.endpoint}`,
          `--listen-peer-urls=${p.peer}`,
          `--initial-advertise-peer-urls=${p.peer}`,
          `--initial-cluster=${initialCluster}`,
          '--initial-cluster-state=new',
          `--max-request-bytes=${options.maxRequestBytes ?? 2 * 1024 * 1024}`,
          '--logger=zap',
          '--log-level=error',
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      children.push(child);
      stderr[i] = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr[i] = (stderr[i]! + chunk.toString()).slice(-4000)));
    }
    const versions = await Promise.all(planned.map((p, i) => waitHealthy(p.endpoint, children[i]!, () => stderr[i]!)));
    return {
      endpoints: planned.map((p) => p.endpoint),
      members: planned.map((p, i) => ({ name: p.name, endpoint: p.endpoint, pid: children[i]!.pid, stop: () => stopProcess(children[i]!) })),
      version: versions[0]!,
      client: () => {
        const client = new Etcd3({ hosts: planned.map((p) => p.endpoint) });
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
  const deadline = Date.now() + STARTUP_MS;
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
  throw new Error(`etcd did not become healthy within ${STARTUP_MS / 1000} s: ${stderr()}`);
}
