// Simulated kubelets in this process: `startKubelets({ server, nodes })`
// registers each node, heartbeats for it and runs the pods bound to it, with
// one Node informer and one Pod informer for all of them (a process may host
// thousands of nodes: one watch each would be thousands of sockets).
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import pino, { type Logger } from 'pino';
import { EventRecorder, httpTransport, Informer, KubeClient, kinds, systemClock, tlsTransport, type Clock } from '../client/index.js';
import { ContainerLogs } from './container-logs.js';
import { KubeletServer } from './kubelet-server.js';
import { NodeAgent, type RegisteredNode } from './node-agent.js';
import { kubeletDefaults, type KubeletOptions } from './options.js';
import { choosePodCIDR, indexOfPodCIDR } from './pod-cidr.js';
import { limitedFetch } from './request-limiter.js';
import { PodLifecycle } from './pod-lifecycle.js';
import { seededRandom } from './seeded-random.js';
import { defaultPodStages } from './stages.js';

const NODE_NAME_INDEX = 'nodeName';

export interface RunningKubelets {
  /** Resolves once every node is registered (its Node Ready, its Lease created). */
  readonly ready: Promise<void>;
  /** The port of the kubelet server (logs and exec) on 127.0.0.1, once `ready`. */
  readonly kubeletPort: number;
  /** Names of the nodes registered so far. */
  registeredNodes(): string[];
  /** Stops heartbeats, watches and pod work; leaves Nodes, Leases and pods as they are. */
  stop(): Promise<void>;
}

/** `ready` rejects with this when the kubelets were stopped before their nodes registered. */
export class KubeletsStoppedError extends Error {
  constructor() {
    super('the kubelets were stopped before their nodes registered');
  }
}

export function startKubelets(options: KubeletOptions): RunningKubelets {
  const clock: Clock = options.clock ?? systemClock;
  const random = options.random ?? seededRandom(options.seed ?? kubeletDefaults.seed);
  const log: Logger = options.logger ?? pino({ level: 'silent' });
  const maxInFlight = options.maxInFlight ?? kubeletDefaults.maxInFlight;
  const userAgent = 'kubelet/v1.32.2 (linux/amd64) kubelab-kubelet-sim';
  const credentials = options.credentials ?? {};
  const transport = credentials.tls ? tlsTransport(credentials.tls) : httpTransport;
  const client = new KubeClient({ ...credentials, server: options.server, userAgent, logger: log, fetch: limitedFetch(maxInFlight, transport) });
  // Events go through a client of their own, with a smaller share of requests: thousands of
  // start-up events must not hold back the registrations and lease renewals queued behind them.
  const eventClient = new KubeClient({ ...credentials, server: options.server, userAgent, logger: log, fetch: limitedFetch(Math.max(1, Math.floor(maxInFlight / 4)), transport) });
  const names = new Set(options.nodes.map((n) => n.name));
  if (names.size !== options.nodes.length) throw new TypeError('startKubelets: node names must be unique');

  // One node: its own Node and pods only, as upstream's kubelet asks (and as the Node authorizer
  // allows a kubelet to list); many: every node and every bound pod, filtered here.
  const only = options.nodes.length === 1 ? options.nodes[0]!.name : undefined;
  const nodeInformer = new Informer(client.resource(kinds.Node), { clock, ...(only ? { fieldSelector: `metadata.name=${only}` } : {}) });
  const podInformer = new Informer(client.resource(kinds.Pod), {
    clock,
    fieldSelector: only ? `spec.nodeName=${only}` : 'spec.nodeName!=',
    indexers: { [NODE_NAME_INDEX]: (pod: Pod) => [pod.spec?.nodeName ?? ''] },
  });

  const recorders = new Map<string, EventRecorder>();
  for (const node of options.nodes) recorders.set(node.name, new EventRecorder({ client: eventClient, component: 'kubelet', host: node.name, clock, logger: log }));

  const logs = new ContainerLogs(() => clock.now());
  const server = new KubeletServer({
    cachedPod: (key) => podInformer.get(key),
    hostsNode: (name) => names.has(name),
    logs,
    now: () => clock.now(),
    log: log.child({ component: 'kubelet-server' }),
    tls: options.servingTls,
  });
  let kubeletPort = 0;

  const claimedCIDRs = new Set<number>();
  const agents = new Map<string, NodeAgent>();
  for (const node of options.nodes) {
    agents.set(
      node.name,
      new NodeAgent(node, {
        client,
        clock,
        random,
        log,
        recorder: recorders.get(node.name)!,
        cachedNode: (name) => nodeInformer.get(name),
        claimPodCIDR: (name) => {
          const taken = new Set(claimedCIDRs);
          for (const n of nodeInformer.list()) {
            const index = indexOfPodCIDR(n.spec?.podCIDR);
            if (index !== undefined) taken.add(index);
          }
          const cidr = choosePodCIDR(name, taken);
          claimedCIDRs.add(indexOfPodCIDR(cidr)!);
          return cidr;
        },
        leaseRenewMs: options.leaseRenewMs ?? kubeletDefaults.leaseRenewMs,
        leaseDurationSeconds: options.leaseDurationSeconds ?? kubeletDefaults.leaseDurationSeconds,
        nodeStatusReportMs: options.nodeStatusReportMs ?? kubeletDefaults.nodeStatusReportMs,
        nodeEvents: options.nodeEvents ?? kubeletDefaults.nodeEvents,
        kubeletPort: () => kubeletPort,
        // Pods that arrived before their node was registered are looked at now.
        onRegistered: (name) => {
          for (const pod of podInformer.byIndex(NODE_NAME_INDEX, name)) lifecycle.observe(pod);
        },
      }),
    );
  }
  const registered = (name: string): RegisteredNode | undefined => (agents.get(name)?.isRegistered ? agents.get(name)?.current : undefined);

  const lifecycle = new PodLifecycle({
    client,
    clock,
    random,
    log,
    stages: options.stages ?? defaultPodStages,
    crashLoopBackOff: { ...kubeletDefaults.crashLoopBackOff, ...options.crashLoopBackOff },
    imagePullBackOff: { ...kubeletDefaults.imagePullBackOff, ...options.imagePullBackOff },
    node: registered,
    recorder: (name) => recorders.get(name),
    cachedPod: (key) => podInformer.get(key),
    retryMs: kubeletDefaults.retryMs,
  });

  nodeInformer.addEventHandler({
    onDelete: (node: Node) => agents.get(node.metadata?.name ?? '')?.nodeDeleted(node.metadata?.uid),
  });
  podInformer.addEventHandler({
    onAdd: (pod: Pod) => {
      if (names.has(pod.spec?.nodeName ?? '')) logs.observe(pod);
      lifecycle.observe(pod);
    },
    onUpdate: (_old: Pod, pod: Pod) => {
      if (names.has(pod.spec?.nodeName ?? '')) logs.observe(pod);
      lifecycle.observe(pod);
    },
    onDelete: (pod: Pod) => {
      logs.forget(pod.metadata?.uid ?? '');
      lifecycle.forget(pod);
    },
  });

  let stopped = false;
  const ready = (async () => {
    // The server listens first: each Node reports its port from registration on.
    kubeletPort = await server.listen(options.kubeletPort ?? kubeletDefaults.kubeletPort);
    nodeInformer.start();
    await nodeInformer.waitForSync();
    if (stopped) throw new KubeletsStoppedError();
    // Pods are looked at once their node is registered; adopted pods keep their state (stages match on it).
    podInformer.start();
    await Promise.all([...agents.values()].map((agent) => agent.start()));
    log.info({ nodes: agents.size }, 'nodes registered');
  })();
  ready.catch((error: unknown) => {
    if (!(error instanceof KubeletsStoppedError)) log.error({ err: error }, 'kubelets failed to start');
  });

  return {
    ready,
    get kubeletPort() {
      return kubeletPort;
    },
    registeredNodes: () => [...agents.values()].filter((a) => a.isRegistered).map((a) => a.node.name),
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const agent of agents.values()) agent.stop();
      lifecycle.stop();
      await Promise.all([nodeInformer.stop(), podInformer.stop(), server.close()]);
      await Promise.all([...recorders.values()].map((r) => r.flush()));
    },
  };
}

