// The node lifecycle controller's wiring (upstream
// pkg/controller/nodelifecycle): keys are node names; a node, its Lease in
// kube-node-lease or a change in the cluster's disruption state wakes a
// node's sync, which asks plan.ts what to do and has the executor do it. The
// controller's own memory is the per-node health of health.ts, as upstream's
// nodeHealthMap; it is lost on restart or leadership change, as upstream.
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node } from 'kubernetes-types/core/v1.js';
import type { Controller, ControllerDeps, Enqueue } from '../runtime/controller.js';
import { executePlan } from '../runtime/executor.js';
import { POD_NODE_NAME_INDEX } from '../runtime/informer-factory.js';
import { clusterDisruption, disruptionDefaults, noExecuteTainting, zoneKey, type ClusterDisruption, type DisruptionOptions } from './disruption.js';
import { nodeCondition, type HealthOptions, type NodeHealth } from './health.js';
import { planNodeLifecycle } from './plan.js';

export interface NodeLifecycleOptions extends HealthOptions, DisruptionOptions {}

/** kube-controller-manager v1.32's flags (--node-monitor-grace-period 50s since v1.32, --node-startup-grace-period 1m). */
export const upstreamNodeLifecycleDefaults: NodeLifecycleOptions = {
  nodeMonitorGracePeriodMs: 50_000,
  nodeStartupGracePeriodMs: 60_000,
  ...disruptionDefaults,
};

/** kubelab's: a student sees a stopped node go NotReady in 20 s (kubelet-sim renews its Lease every 10 s). */
export const nodeLifecycleDefaults: NodeLifecycleOptions = { ...upstreamNodeLifecycleDefaults, nodeMonitorGracePeriodMs: 20_000 };

const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** What of a node the disruption state depends on. */
const disruptionInputs = (node: Node | undefined) => JSON.stringify([nodeCondition(node ?? {}, 'Ready')?.status, node && zoneKey(node), node?.metadata?.labels?.['node.kubernetes.io/exclude-disruption']]);

export function nodeLifecycleController(deps: ControllerDeps, options: Partial<NodeLifecycleOptions> = {}): Controller {
  const settings: NodeLifecycleOptions = { ...nodeLifecycleDefaults, ...options };
  const nodes = deps.informers.informerFor('Node');
  const leases = deps.informers.informerFor('Lease');
  const pods = deps.informers.informerFor('Pod');
  const healthByNode = new Map<string, NodeHealth>();
  let disruption: ClusterDisruption | undefined;

  /** Recomputes the zones' states; when they change, every node is looked at again. */
  function refreshDisruption(enqueue: Enqueue): void {
    const next = clusterDisruption(nodes.list(), settings);
    const summary = (d: ClusterDisruption | undefined) => JSON.stringify([d?.allFullyDisrupted, [...(d?.zones ?? [])].map(([z, s]) => [z, s.state])]);
    if (summary(next) === summary(disruption)) return;
    if (disruption?.allFullyDisrupted && !next.allFullyDisrupted) {
      // upstream, leaving master disruption mode: every node gets a fresh grace period.
      deps.log.info('some nodes are Ready again: leaving full disruption mode');
      const now = deps.clock.now();
      for (const [name, health] of healthByNode) healthByNode.set(name, { ...health, probeTimestamp: now, readyTransitionTimestamp: now });
    } else if (next.allFullyDisrupted) {
      deps.log.info('no node is Ready: entering full disruption mode, NoExecute taints removed and evictions stopped');
    }
    disruption = next;
    for (const node of nodes.list()) enqueue(node.metadata?.name ?? '');
  }

  return {
    name: 'nodelifecycle',
    workers: 8, // upstream nodeUpdateWorkerSize
    watch(enqueue) {
      const nodeName = (node: Node) => node.metadata?.name ?? '';
      nodes.addEventHandler({
        onAdd: (node) => {
          enqueue(nodeName(node));
          refreshDisruption(enqueue);
        },
        onUpdate: (old, node) => {
          enqueue(nodeName(node));
          if (disruptionInputs(old) !== disruptionInputs(node)) refreshDisruption(enqueue);
        },
        onDelete: (node) => {
          enqueue(nodeName(node));
          refreshDisruption(enqueue);
        },
      });
      const leaseRenewed = (lease: Lease) => {
        if (lease.metadata?.namespace === NODE_LEASE_NAMESPACE) enqueue(lease.metadata.name ?? '');
      };
      leases.addEventHandler({ onAdd: leaseRenewed, onUpdate: (_, lease) => leaseRenewed(lease) });
    },
    async sync(name) {
      const node = nodes.get(name);
      disruption ??= clusterDisruption(nodes.list(), settings);
      const decision = planNodeLifecycle({
        nodeName: name,
        node,
        lease: leases.get(`${NODE_LEASE_NAMESPACE}/${name}`),
        pods: pods.byIndex(POD_NODE_NAME_INDEX, name),
        health: healthByNode.get(name),
        tainting: node ? noExecuteTainting(node, disruption, settings) : 'add',
        now: deps.clock.now(),
        options: settings,
      });
      if (decision.health) healthByNode.set(name, decision.health);
      else healthByNode.delete(name);
      const log = deps.log.child({ key: name });
      if (decision.plan.patches.length > 0) log.info({ changes: decision.plan.patches.map((p) => p.reason) }, 'updating node');
      await executePlan(decision.plan, { ...deps, log });
      return { requeueAfterMs: decision.plan.requeueAfterMs };
    },
  };
}
