// The HA control plane of DESIGN.md "Distributed mode" and SCENARIOS.md S13,
// as separate processes on loopback: an etcd cluster (scripts/etcd-cluster.ts),
// apiservers on it (`--store etcd --etcd-endpoints` every member), and
// leader-elected controllers processes given every apiserver URL. Shared by
// `kubelab up --ha`, test/ha-failover.test.ts and bench/ha.ts.
//
// Which controllers process leads: the Lease kube-system/kube-controller-manager
// names its holder by an identity the process makes up (host name and a uuid,
// as upstream's kube-controller-manager). The first process is started alone
// and the identity that takes the Lease is its own; the others start after,
// and a new holder is the one running process whose identity is not yet known.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeClient, httpTransport, isNotFound, kinds, tlsTransport } from '../client/index.js';
import { startEtcdCluster, type EtcdCluster, type EtcdMemberPorts } from './etcd-cluster.js';
import type { LabCredentials } from './lab-credentials.js';
import { freePort } from './ports.js';
import { startProcess, stopProcess, type LabProcess, type LogStream } from './processes.js';

export const CONTROLLER_MANAGER_LEASE = { namespace: 'kube-system', name: 'kube-controller-manager' } as const;

/** kube-controller-manager's --leader-elect-* flags, as Go durations ('15s'). */
export interface LeaderElectionFlags {
  readonly leaseDuration: string;
  readonly renewDeadline: string;
  readonly retryPeriod: string;
}

export interface HaControlPlaneOptions {
  /** etcd's members live in <dataDir>/etcd/<member>. */
  readonly dataDir: string;
  readonly etcdMembers: number;
  /** Fixed etcd ports (a resumed lab keeps its peer URLs); free ports when absent. */
  readonly etcdPorts?: readonly EtcdMemberPorts[];
  /** One port an apiserver; free ports when absent. */
  readonly apiserverPorts?: readonly number[];
  readonly apiservers: number;
  readonly controllers: number;
  /** Upstream's defaults (15s, 10s, 2s) when absent. */
  readonly leaderElection?: LeaderElectionFlags;
  /** More flags for every controllers process (e.g. --node-monitor-grace-period). */
  readonly controllersArgs?: readonly string[];
  readonly logs: LogStream;
  /** The children's environment (LOG_LEVEL). */
  readonly env: NodeJS.ProcessEnv;
  readonly startTimeoutMs?: number;
  /**
   * A secure plane (as `kubelab up`): HTTPS, client certificates, Node,RBAC,
   * the controllers as system:kube-controller-manager. Absent: plain HTTP on
   * loopback, every request the lab admin (the test and the bench).
   */
  readonly credentials?: LabCredentials;
}

export interface ApiServerProcess extends LabProcess {
  readonly url: string;
}

export interface ControllersProcess extends LabProcess {
  /** Its holderIdentity in the Lease, once known. */
  identity: string | undefined;
}

export interface HaControlPlane {
  readonly etcd: EtcdCluster;
  readonly apiservers: readonly ApiServerProcess[];
  readonly controllers: readonly ControllersProcess[];
  /** Every apiserver URL (for --server of controllers and kubelets). */
  readonly urls: readonly string[];
  /** A client of every apiserver; it fails over between them. */
  readonly client: KubeClient;
  /** The Lease's holderIdentity now ('' when nobody holds it). */
  leaseHolder(): Promise<string>;
  /** The controllers process holding the Lease now, if it is one of these. */
  leader(): Promise<ControllersProcess | undefined>;
  /** Starts `count` more controllers processes (the first of all alone, until it holds the Lease). */
  startControllers(count: number): Promise<void>;
  /** Everything still running, controllers first, etcd last. */
  stop(): Promise<void>;
}

const dist = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const isRunning = (p: LabProcess) => p.child.exitCode === null && p.child.signalCode === null;

async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
}

function leaderElectionArgs(flags: LeaderElectionFlags | undefined): string[] {
  if (!flags) return [];
  return ['--leader-elect-lease-duration', flags.leaseDuration, '--leader-elect-renew-deadline', flags.renewDeadline, '--leader-elect-retry-period', flags.retryPeriod];
}

/** Starts etcd, then the apiservers (resolves each once /readyz answers), then the controllers processes one after the other as the header says. */
export async function startHaControlPlane(options: HaControlPlaneOptions): Promise<HaControlPlane> {
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const credentials = options.credentials;
  const transport = credentials ? tlsTransport(credentials.adminTls()) : httpTransport;
  const etcd = await startEtcdCluster({
    members: options.etcdMembers,
    dataDir: join(options.dataDir, 'etcd'),
    ports: options.etcdPorts,
    onLogLine: (member, line) => options.logs.line(`etcd-${member}`, line),
    healthTimeoutMs: timeoutMs,
  });
  const apiservers: ApiServerProcess[] = [];
  const controllers: ControllersProcess[] = [];
  const stop = async () => {
    for (const p of [...controllers, ...apiservers]) await stopProcess(p);
    await etcd.stop();
  };
  try {
    for (let i = 0; i < options.apiservers; i++) {
      const port = options.apiserverPorts?.[i] ?? (await freePort());
      const name = `apiserver-${i + 1}`;
      const security = credentials ? credentials.apiserverArgs() : ['--insecure'];
      const args = ['--port', String(port), ...security, '--store', 'etcd', '--etcd-endpoints', etcd.endpoints.join(',')];
      apiservers.push({ ...startProcess(name, dist('apiserver/main.js'), args, options.logs, options.env), url: `${credentials ? 'https' : 'http'}://127.0.0.1:${port}` });
    }
    const ready = async (url: string) => (await transport(`${url}/readyz`, { method: 'GET', headers: {} })).ok;
    await Promise.all(apiservers.map((a) => waitFor(`${a.name} ready`, timeoutMs, async () => isRunning(a) && (await ready(a.url)))));
    const urls = apiservers.map((a) => a.url);
    const client = new KubeClient({ server: urls, requestTimeoutMs: 2_000, ...(credentials ? { tls: credentials.adminTls() } : {}) });
    const leases = client.resource(kinds.Lease, CONTROLLER_MANAGER_LEASE.namespace);
    const leaseHolder = async () => {
      try {
        return (await leases.get(CONTROLLER_MANAGER_LEASE.name)).spec?.holderIdentity ?? '';
      } catch (error) {
        if (isNotFound(error)) return '';
        throw error;
      }
    };
    const identity = credentials ? ['--kubeconfig', credentials.controllersKubeconfig()] : [];
    const controllersArgs = [...identity, '--server', urls.join(','), '--leader-elect', ...leaderElectionArgs(options.leaderElection), ...(options.controllersArgs ?? [])];
    const startControllers = async (count: number) => {
      const before = await leaseHolder();
      for (let i = 0; i < count; i++) {
        const lab = startProcess(`controllers-${controllers.length + 1}`, dist('controllers/main.js'), controllersArgs, options.logs, options.env);
        const candidate: ControllersProcess = Object.assign(lab, { identity: undefined as string | undefined });
        controllers.push(candidate);
        if (controllers.length > 1) continue;
        // A Lease left held by a crashed run expires first (its lease duration).
        await waitFor('the first controllers process to take the Lease', timeoutMs, async () => {
          const holder = await leaseHolder();
          if (holder === '' || holder === before || !isRunning(lab)) return false;
          candidate.identity = holder;
          return true;
        });
      }
    };
    await startControllers(options.controllers);
    const leader = async (): Promise<ControllersProcess | undefined> => {
      const holder = await leaseHolder();
      if (holder === '') return undefined;
      const known = controllers.find((c) => c.identity === holder);
      if (known) return known;
      const unknown = controllers.filter((c) => c.identity === undefined && isRunning(c));
      if (unknown.length !== 1) return undefined;
      unknown[0]!.identity = holder;
      return unknown[0];
    };
    return { etcd, apiservers, controllers, urls, client, leaseHolder, leader, startControllers, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
