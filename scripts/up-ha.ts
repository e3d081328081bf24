// `kubelab up --ha`: the lab of SCENARIOS.md S13 as separate processes on
// loopback: three etcd members (ports as etcd's own Procfile: 2379, 22379,
// 32379), two apiservers on them (--port and --port + 1), two leader-elected
// controllers processes given both apiserver URLs, and one kubelet-sim a node
// given both. It prints every process's pid, which controllers process leads
// (and, while it runs, each hand-over of the Lease), writes the kubeconfig of
// the first apiserver, and stops everything on Ctrl-C, etcd last. Losing one
// apiserver, one controllers process or one etcd member does not stop it. Its
// etcd data is in <data-dir>/etcd, so a second `kubelab up --ha` resumes.
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { httpTransport, tlsTransport } from '../client/index.js';
import { startHaControlPlane, CONTROLLER_MANAGER_LEASE, type HaControlPlane } from './ha-control-plane.js';
import { kubeconfigFor } from './kubeconfig.js';
import { labCredentials } from './lab-credentials.js';
import { ensureLabStorageClass, kubeletArgs, labNodes, LAB_NODE_MONITOR_GRACE_SECONDS } from './lab.js';
import { LabSession } from './lab-session.js';
import { logStream, startProcess, type LabProcess } from './processes.js';
import type { UpOptions } from './up.js';

/** etcd's Procfile: infra1, infra2, infra3. */
export const HA_ETCD_PORTS = [
  { client: 2379, peer: 2380 },
  { client: 22379, peer: 22380 },
  { client: 32379, peer: 32380 },
] as const;

const dist = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

export interface HaUpOptions extends UpOptions {
  /** The etcd members' client ports, each peer port the next one (etcd's 2379 and 2380); HA_ETCD_PORTS when absent. */
  readonly etcdClientPorts?: readonly number[];
}

/** Prints each change of the Lease's holder until the lab stops: the process, and how long after the previous leader exited. */
async function reportLeaders(plane: HaControlPlane, session: LabSession): Promise<void> {
  let shown: string | undefined;
  const exitedAt = new Map<LabProcess, number>();
  for (const c of plane.controllers) void c.exited.then(() => exitedAt.set(c, Date.now()));
  let previous: LabProcess | undefined;
  while (!session.isStopping) {
    const leader = await plane.leader().catch(() => undefined);
    const holder = leader ? leader.name : await plane.leaseHolder().catch(() => shown ?? '');
    if (holder !== shown && !session.isStopping) {
      const lease = `${CONTROLLER_MANAGER_LEASE.namespace}/${CONTROLLER_MANAGER_LEASE.name}`;
      const lost = previous && exitedAt.get(previous);
      const after = leader && lost ? `, ${((Date.now() - lost) / 1000).toFixed(1)} s after ${previous!.name} exited` : '';
      if (leader) session.say(`${leader.name} (pid ${leader.child.pid}) leads: it holds the Lease ${lease}${after}`);
      else session.say(holder === '' ? `nobody holds the Lease ${lease}` : `the Lease ${lease} is held by ${holder}`);
      shown = holder;
      if (leader) previous = leader;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Runs the HA lab until SIGINT or SIGTERM; resolves with the exit code. */
export async function upHa(options: HaUpOptions): Promise<number> {
  const session = new LabSession(options.output);
  const say = (text: string) => session.say(text);
  const etcdDir = join(options.dataDir, 'etcd');
  if (options.fresh && existsSync(etcdDir)) rmSync(etcdDir, { recursive: true, force: true });
  const resumed = existsSync(etcdDir);
  const logs = logStream(options.output, options.colour);
  const env = { ...process.env, LOG_LEVEL: options.logLevel };
  let plane: HaControlPlane | undefined;
  try {
    say(`${resumed ? 'resuming the HA cluster' : 'starting a new HA cluster'} in ${options.dataDir}`);
    const etcdPorts = options.etcdClientPorts?.map((client) => ({ client, peer: client + 1 })) ?? HA_ETCD_PORTS;
    // As `kubelab up`: HTTPS and a certificate per process unless --insecure; the admin's kubeconfig names the first apiserver.
    const credentials = options.insecure ? undefined : labCredentials(options.dataDir, `https://127.0.0.1:${options.port}`);
    const transport = credentials ? tlsTransport(credentials.adminTls()) : httpTransport;
    plane = await startHaControlPlane({
      dataDir: options.dataDir,
      etcdMembers: etcdPorts.length,
      etcdPorts,
      apiservers: 2,
      apiserverPorts: [options.port, options.port + 1],
      controllers: 2,
      controllersArgs: ['--node-monitor-grace-period', `${LAB_NODE_MONITOR_GRACE_SECONDS}s`],
      logs,
      env,
      credentials,
    });
    const etcdMembers = plane.etcd.members.map((m) => `${m.name} ${m.endpoint} (pid ${m.pid})`).join(', ');
    say(`etcd ${plane.etcd.version} ready: ${etcdMembers}`);
    for (const p of plane.apiservers) say(`${p.name} ready at ${p.url} (pid ${p.child.pid})`);
    say(`controllers: ${plane.controllers.map((c) => `${c.name} (pid ${c.child.pid})`).join(', ')}, with --leader-elect`);
    session.running.push(...plane.apiservers, ...plane.controllers);
    const url = plane.urls[0]!;
    const kubeconfig = credentials?.adminKubeconfig() ?? join(options.dataDir, 'kubeconfig');
    if (!credentials) writeFileSync(kubeconfig, kubeconfigFor(url));
    await ensureLabStorageClass(url, options.defaultStorageClass ?? false, transport);
    const nodes = labNodes(options.nodes);
    const server = plane.urls.join(',');
    const identity = (node: string) => (credentials ? ['--kubeconfig', credentials.kubeletKubeconfig(node)] : []);
    for (const node of nodes) session.running.push(startProcess(node.name, dist('kubelet-sim/main.js'), [...identity(node.name), '--server', server, ...kubeletArgs(node)], logs, env));
    await session.waitForNodes(url, new Set(nodes.map((n) => n.name)), transport);
    void reportLeaders(plane, session);
    const etcd = plane.etcd;
    const label = (lab: LabProcess) => (lab.name.startsWith('node-') ? `${lab.name}'s kubelet` : etcd.members.some((m) => m.name === lab.name) ? `etcd member ${lab.name}` : lab.name);
    // Every part has a twin (S13): one lost is told, not fatal; the kubelets as in `kubelab up`.
    return await session.serve(kubeconfig, [], [...session.running, ...etcd.members], label, () => etcd.stop());
  } catch (error) {
    say(error instanceof Error ? error.message : String(error));
    const etcd = plane?.etcd;
    await session.stopAll(etcd && (() => etcd.stop()));
    return 1;
  }
}
