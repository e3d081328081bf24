// One simulated node's agent: registers its Node (upstream
// pkg/kubelet/kubelet_node_status.go registerWithAPIServer and
// tryRegisterWithAPIServer), renews its Lease (pkg/kubelet/nodelease,
// component-helpers/apimachinery/lease controller) and reports node status
// at least every nodeStatusReportFrequency (kubelet_node_status.go
// syncNodeStatus with the NodeLease feature: the Lease is the heartbeat, the
// status is posted on change or when it is getting old).
// Unlike upstream, which registers once per start, it registers again when
// its Node is deleted while it runs (issue 5).
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node } from 'kubernetes-types/core/v1.js';
import type { Logger } from 'pino';
import { isAlreadyExists, isConflict, isNotFound, kinds, type Clock, type EventRecorder, type KubeClient, type Timer } from '../client/index.js';
import { nodeLease, NODE_LEASE_NAMESPACE } from './lease-template.js';
import { defaultNodeLabels, initialNode, nodeConditions, nodeInternalIP, nodeStatusBody } from './node-template.js';
import { kubeletDefaults, type SimulatedNode } from './options.js';
import { indexOfPodCIDR, PodIPAllocator } from './pod-cidr.js';

export interface NodeAgentDeps {
  readonly client: KubeClient;
  readonly clock: Clock;
  readonly random: () => number;
  readonly log: Logger;
  readonly recorder: EventRecorder;
  /** The Node as the process's node informer last saw it. */
  readonly cachedNode: (name: string) => Node | undefined;
  /** A free pod CIDR for a new Node, claimed at once so no other node of the process takes it too. */
  readonly claimPodCIDR: (name: string) => string;
  readonly leaseRenewMs: number;
  readonly leaseDurationSeconds: number;
  readonly nodeStatusReportMs: number;
  readonly nodeEvents: boolean;
  /** The kubelet server's port, known once it listens (before registration). */
  readonly kubeletPort: () => number;
  /** Called after each (re-)registration. */
  readonly onRegistered: (name: string) => void;
}

/** What the pod lifecycle needs of a registered node. */
export interface RegisteredNode {
  readonly name: string;
  readonly hostIP: string;
  readonly podCIDR: string;
  readonly podIPs: PodIPAllocator;
}

export class NodeAgent {
  private registered: RegisteredNode | undefined;
  private nodeUID = '';
  private lease: Lease | undefined;
  private leaseTimer: Timer | undefined;
  private statusTimer: Timer | undefined;
  private retryTimer: Timer | undefined;
  private stopped = false;
  private registering: Promise<void> | undefined;
  private readonly log: Logger;

  constructor(
    readonly node: SimulatedNode,
    private readonly deps: NodeAgentDeps,
  ) {
    this.log = deps.log.child({ node: node.name });
  }

  /** The node's addresses, once registered. */
  get current(): RegisteredNode | undefined {
    return this.registered;
  }

  get isRegistered(): boolean {
    return this.registered !== undefined && this.nodeUID !== '';
  }

  /** Registers (retrying until it succeeds or stop()), then heartbeats. */
  start(): Promise<void> {
    this.registering ??= this.registerUntilDone().finally(() => (this.registering = undefined));
    return this.registering;
  }

  /** Stops heartbeats; leaves the Node and Lease in place, as a stopped kubelet does. */
  stop(): void {
    this.stopped = true;
    this.leaseTimer?.cancel();
    this.statusTimer?.cancel();
    this.retryTimer?.cancel();
  }

  /** The node informer saw the Node go: register again after a short wait. */
  nodeDeleted(uid: string | undefined): void {
    if (this.stopped || (uid && uid !== this.nodeUID)) return;
    this.log.info('Node deleted while the kubelet runs, registering again');
    this.nodeUID = '';
    this.lease = undefined;
    this.leaseTimer?.cancel();
    this.statusTimer?.cancel();
    this.retryTimer?.cancel();
    this.retryTimer = this.deps.clock.schedule(kubeletDefaults.reregisterDelayMs, () => void this.start());
  }

  private async registerUntilDone(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.register();
        this.renewLease();
        this.scheduleStatusReport();
        return;
      } catch (error) {
        this.log.warn({ err: error }, 'unable to register node with API server, retrying');
        await new Promise<void>((resolve) => (this.retryTimer = this.deps.clock.schedule(kubeletDefaults.retryMs, resolve)));
      }
    }
  }

  private async register(): Promise<void> {
    const { client, clock } = this.deps;
    const nodes = client.resource(kinds.Node);
    const existing = this.deps.cachedNode(this.node.name);
    // Registering again after a deletion, the node keeps its range (its pods' addresses stay valid).
    const podCIDR = existing?.spec?.podCIDR ?? this.registered?.podCIDR ?? this.deps.claimPodCIDR(this.node.name);
    const internalIP = nodeInternalIP(indexOfPodCIDR(podCIDR) ?? 0);
    let node: Node;
    let fresh = false;
    const wasReady = existing?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
    if (existing) {
      node = await this.adopt(existing, internalIP);
    } else {
      try {
        node = await nodes.create(initialNode(this.node, podCIDR, internalIP, clock.now(), this.deps.kubeletPort()));
        fresh = true;
      } catch (error) {
        if (!isAlreadyExists(error)) throw error;
        // as upstream tryRegisterWithAPIServer: the Node is there already (a restart): take it over.
        node = await this.adopt(await nodes.get(this.node.name), internalIP);
      }
    }
    this.nodeUID = node.metadata?.uid ?? '';
    const cidr = node.spec?.podCIDR ?? podCIDR;
    const podIPs = this.registered?.podCIDR === cidr ? this.registered.podIPs : new PodIPAllocator(cidr);
    this.registered = { name: this.node.name, hostIP: addressOf(node) ?? internalIP, podCIDR: cidr, podIPs };
    this.log.info({ podCIDR: cidr, fresh }, 'Successfully registered node');
    if (this.deps.nodeEvents) this.recordStartEvents(!wasReady);
    this.deps.onRegistered(this.node.name);
  }

  /** An existing Node: the default labels put back and the status reported now (upstream updateDefaultLabels + syncNodeStatus). */
  private async adopt(existing: Node, internalIP: string): Promise<Node> {
    const nodes = this.deps.client.resource(kinds.Node);
    const name = this.node.name;
    const labels = defaultNodeLabels(name);
    const missing = Object.entries(labels).some(([k, v]) => existing.metadata?.labels?.[k] !== v);
    let node = existing;
    if (missing) node = await nodes.patch(name, { metadata: { labels } });
    const address = addressOf(node) ?? internalIP;
    const status = { ...nodeStatusBody(name, address, this.deps.kubeletPort()), conditions: nodeConditions(node.status?.conditions, this.deps.clock.now()) };
    return nodes.patch(name, { status }, 'merge', { subresource: 'status' });
  }

  /** as upstream kubelet.go Run and the node status setters: Starting, then each healthy condition's event. */
  private recordStartEvents(becameReady: boolean): void {
    const name = this.node.name;
    // as upstream: a node's events refer to it with its name as uid.
    const ref = { apiVersion: 'v1', kind: 'Node', metadata: { name, uid: name } };
    const { recorder } = this.deps;
    recorder.event(ref, 'Normal', 'Starting', 'Starting kubelet.');
    recorder.event(ref, 'Normal', 'NodeAllocatableEnforced', 'Updated Node Allocatable limit across pods');
    const reasons = ['NodeHasSufficientMemory', 'NodeHasNoDiskPressure', 'NodeHasSufficientPID', ...(becameReady ? ['NodeReady'] : [])];
    for (const reason of reasons) recorder.event(ref, 'Normal', reason, `Node ${name} status is now: ${reason}`);
  }

  /** One renewal, then the next in leaseRenewMs (with upstream's 4% jitter). */
  private renewLease(): void {
    if (this.stopped || !this.nodeUID) return;
    void this.tryRenewLease().finally(() => {
      if (this.stopped || !this.nodeUID) return;
      const period = this.deps.leaseRenewMs * (1 + 0.04 * this.deps.random());
      this.leaseTimer = this.deps.clock.schedule(period, () => this.renewLease());
    });
  }

  private async tryRenewLease(): Promise<void> {
    const leases = this.deps.client.resource(kinds.Lease, NODE_LEASE_NAMESPACE);
    const node = { metadata: { name: this.node.name, uid: this.nodeUID } };
    const now = this.deps.clock.now();
    const { leaseDurationSeconds } = this.deps;
    try {
      if (!this.lease) {
        try {
          this.lease = await leases.create(nodeLease(node, leaseDurationSeconds, now));
          return;
        } catch (error) {
          if (!isAlreadyExists(error)) throw error;
          this.lease = await leases.get(this.node.name);
        }
      }
      this.lease = await leases.update(nodeLease(node, leaseDurationSeconds, now, this.lease));
    } catch (error) {
      // as upstream's lease controller: on a conflict or a missing lease, read (or create) it afresh next time.
      this.lease = undefined;
      if (isConflict(error) || isNotFound(error)) this.log.debug({ err: error }, 'lease changed under us, will read it again');
      else this.log.warn({ err: error }, 'failed to update lease');
    }
  }

  /** A status report every nodeStatusReportMs (jittered), refreshing the conditions' heartbeat times. */
  private scheduleStatusReport(): void {
    if (this.stopped || !this.nodeUID) return;
    const period = this.deps.nodeStatusReportMs * (0.9 + 0.2 * this.deps.random());
    this.statusTimer = this.deps.clock.schedule(period, () => {
      void this.reportStatus().finally(() => this.scheduleStatusReport());
    });
  }

  private async reportStatus(): Promise<void> {
    const nodes = this.deps.client.resource(kinds.Node);
    const cached = this.deps.cachedNode(this.node.name);
    try {
      await nodes.patch(this.node.name, { status: { conditions: nodeConditions(cached?.status?.conditions, this.deps.clock.now()) } }, 'merge', { subresource: 'status' });
    } catch (error) {
      if (isNotFound(error)) this.nodeDeleted(undefined);
      else this.log.warn({ err: error }, 'error updating node status, will retry');
    }
  }
}

function addressOf(node: Node): string | undefined {
  return node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
}
