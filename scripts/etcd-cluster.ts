// An etcd cluster on loopback for the HA lab, its test and the benchmarks
// (DESIGN.md "Distributed mode", SCENARIOS.md S13): N members of the Debian
// package's etcd (`apt-get install etcd-server`), each with its own data
// directory under the caller's and its own client and peer ports, joined by
// --initial-cluster as etcd's own Procfile starts its three local members.
// Members are stopped (SIGTERM, then SIGKILL) or killed (SIGKILL) one by one,
// by the pid this module started: never by name.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './ports.js';

export const ETCD_INSTALL_COMMAND = 'sudo apt-get install etcd-server';

const CANDIDATES = [process.env.ETCD_BIN, '/usr/bin/etcd', '/usr/local/bin/etcd'];

/** The etcd binary: $ETCD_BIN, else Debian's /usr/bin/etcd, else /usr/local/bin/etcd; undefined when none is there. */
export function findEtcd(candidates: readonly (string | undefined)[] = CANDIDATES): string | undefined {
  return candidates.find((path): path is string => path !== undefined && existsSync(path));
}

/** No etcd binary on this machine: the message says how to install one. */
export class EtcdNotInstalled extends Error {
  constructor() {
    super(`etcd is not installed (looked for $ETCD_BIN, /usr/bin/etcd, /usr/local/bin/etcd); install it with: ${ETCD_INSTALL_COMMAND}`);
    this.name = 'EtcdNotInstalled';
  }
}

export interface EtcdMemberPorts {
  readonly client: number;
  readonly peer: number;
}

export interface EtcdClusterOptions {
  /** How many members (1, 3, 5...). */
  readonly members: number;
  /** Each member's data lives in <dataDir>/<name>. */
  readonly dataDir: string;
  /** Fixed ports, one pair a member (a cluster that is resumed must keep its peer URLs); free ports when absent. */
  readonly ports?: readonly EtcdMemberPorts[];
  /** `infra` gives infra1, infra2, ... as etcd's Procfile names them. */
  readonly namePrefix?: string;
  /** etcd's --log-level (error unless told). */
  readonly logLevel?: string;
  /** Each line a member writes to stderr (etcd logs there), with its name. */
  readonly onLogLine?: (member: string, line: string) => void;
  readonly healthTimeoutMs?: number;
  /** The binary to run instead of the one findEtcd() finds. */
  readonly etcdBinary?: string;
}

export interface EtcdMember {
  readonly name: string;
  /** http://127.0.0.1:<client port> */
  readonly endpoint: string;
  readonly peerUrl: string;
  readonly dataDir: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves with the exit code or signal's name once the member has exited. */
  readonly exited: Promise<number | string>;
}

export interface EtcdCluster {
  readonly members: readonly EtcdMember[];
  /** The client URLs of every member, for --etcd-endpoints. */
  readonly endpoints: readonly string[];
  readonly version: string;
  /** Members whose process still runs. */
  running(): EtcdMember[];
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stopMember(name: string, graceMs?: number): Promise<void>;
  /** SIGKILL: a member lost as a crashed machine is (the others keep quorum if a majority remains). */
  killMember(name: string): Promise<void>;
  /** Stops every member still running. */
  stop(): Promise<void>;
}

function member(name: string, clientUrl: string, peerUrl: string, dataDir: string, child: ChildProcess): EtcdMember {
  const exited = new Promise<number | string>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode ?? child.signalCode ?? 'unknown');
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    child.once('error', () => resolve('error'));
  });
  return { name, endpoint: clientUrl, peerUrl, dataDir, child, pid: child.pid ?? -1, exited };
}

const isRunning = (m: EtcdMember) => m.child.exitCode === null && m.child.signalCode === null;

async function stopEtcdMember(m: EtcdMember, graceMs: number): Promise<void> {
  if (!isRunning(m)) return;
  m.child.kill('SIGTERM');
  const timer = setTimeout(() => m.child.kill('SIGKILL'), graceMs);
  await m.exited;
  clearTimeout(timer);
}

/** Starts the members and resolves once every one answers /health true (the cluster has a leader); throws EtcdNotInstalled without a binary. */
export async function startEtcdCluster(options: EtcdClusterOptions): Promise<EtcdCluster> {
  const binary = findEtcd(options.etcdBinary !== undefined ? [options.etcdBinary] : CANDIDATES);
  if (!binary) throw new EtcdNotInstalled();
  const prefix = options.namePrefix ?? 'infra';
  const ports: EtcdMemberPorts[] = [];
  for (let i = 0; i < options.members; i++) ports.push(options.ports?.[i] ?? { client: await freePort(), peer: await freePort() });
  const names = ports.map((_, i) => `${prefix}${i + 1}`);
  const peerUrls = ports.map((p) => `http://127.0.0.1:${p.peer}`);
  const initialCluster = names.map((name, i) => `${name}=${peerUrls[i]}`).join(',');
  const stderr = new Map<string, string>();
  const members = names.map((name, i) => {
    const clientUrl = `http://127.0.0.1:${ports[i]!.client}`;
    const dataDir = join(options.dataDir, name);
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const child = spawn(
      binary,
      [
        `--name=${name}`,
        `--data-dir=${dataDir}`,
        `--listen-client-urls=${clientUrl}`,
        `--advertise-client-urls=${clientUrl}`,
        `--listen-peer-urls=${peerUrls[i]}`,
        `--initial-advertise-peer-urls=${peerUrls[i]}`,
        `--initial-cluster=${initialCluster}`,
        '--initial-cluster-state=new',
        `--initial-cluster-token=kubelab-${prefix}`,
        '--logger=zap',
        `--log-level=${options.logLevel ?? 'error'}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      stderr.set(name, ((stderr.get(name) ?? '') + text).slice(-4000));
      if (options.onLogLine) for (const line of text.split('\n').filter(Boolean)) options.onLogLine(name, line);
    });
    return member(name, clientUrl, peerUrls[i]!, dataDir, child);
  });
  const byName = (name: string): EtcdMember => {
    const found = members.find((m) => m.name === name);
    if (!found) throw new Error(`no etcd member ${name} (members: ${names.join(', ')})`);
    return found;
  };
  const cluster: EtcdCluster = {
    members,
    endpoints: members.map((m) => m.endpoint),
    version: 'unknown',
    running: () => members.filter(isRunning),
    stopMember: (name, graceMs = 5_000) => stopEtcdMember(byName(name), graceMs),
    async killMember(name) {
      const m = byName(name);
      if (!isRunning(m)) return;
      m.child.kill('SIGKILL');
      await m.exited;
    },
    async stop() {
      await Promise.all(members.map((m) => stopEtcdMember(m, 5_000)));
    },
  };
  try {
    const versions = await Promise.all(members.map((m) => waitHealthy(m, options.healthTimeoutMs ?? 20_000, () => stderr.get(m.name) ?? '')));
    return { ...cluster, version: versions[0] ?? 'unknown' };
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

/** Polls the member's /health until it is true (it has a leader); answers etcd's version. */
async function waitHealthy(m: EtcdMember, timeoutMs: number, stderr: () => string): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isRunning(m)) throw new Error(`etcd member ${m.name} exited (${m.child.exitCode ?? m.child.signalCode}): ${stderr()}`);
    try {
      const health = (await (await fetch(`${m.endpoint}/health`, { signal: AbortSignal.timeout(2_000) })).json()) as { health?: string };
      if (health.health === 'true') {
        const version = (await (await fetch(`${m.endpoint}/version`)).json()) as { etcdserver?: string };
        return version.etcdserver ?? 'unknown';
      }
    } catch {
      // not listening, or no leader elected yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`etcd member ${m.name} was not healthy within ${timeoutMs / 1000} s: ${stderr()}`);
}

/** The member that leads the Raft group now, asked through etcd's JSON gateway (/v3/maintenance/status); undefined when none answers. */
export async function etcdLeader(cluster: EtcdCluster): Promise<EtcdMember | undefined> {
  const ids = new Map<string, EtcdMember>();
  let leader: string | undefined;
  for (const m of cluster.running()) {
    try {
      const answer = await fetch(`${m.endpoint}/v3/maintenance/status`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(2_000) });
      const status = (await answer.json()) as { header?: { member_id?: string }; leader?: string };
      if (status.header?.member_id) ids.set(status.header.member_id, m);
      leader ??= status.leader;
    } catch {
      // this member does not answer; ask the next
    }
  }
  return leader === undefined ? undefined : ids.get(leader);
}
