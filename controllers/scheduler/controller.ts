// The scheduler's wiring (upstream kube-scheduler, here one controller of
// the controllers process): keys are pods waiting for a node. The
// NodeInfos follow the informers pod by pod; a decision assumes its pod on
// the chosen node at once (so the next decision sees the room taken) and the
// binding is posted in the background, as upstream's binding cycle, up to
// MAX_BINDINGS_IN_FLIGHT at once; a failed binding forgets the assumption
// and the pod is tried again after a second. Pods no node fits wait, with PodScheduled False
// and a FailedScheduling event, until a node or a pod on a node changes, or
// five minutes pass (upstream podMaxInUnschedulablePodsDuration), or, for
// pods waiting for their claims (VolumeBinding), a claim changes.
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { isConflict, isNotFound, kinds } from '../../client/index.js';
import { executePlan } from '../runtime/executor.js';
import type { Controller, ControllerDeps, Enqueue } from '../runtime/controller.js';
import { addUsage, newNodeInfo, podUsage, setNode, type NodeInfo, type PodUsage } from './node-info.js';
import { schedulePod, unschedulablePlan } from './plan.js';
import { volumeBindingRejection } from './volume-binding.js';

export const SCHEDULER_NAME = 'default-scheduler';
const UNSCHEDULABLE_RETRY_MS = 5 * 60_000;
const MAX_BINDINGS_IN_FLIGHT = 256;
const BIND_RETRY_MS = 1_000;

export interface SchedulerOptions {
  /** Tie-breaking among the best nodes (upstream: math/rand). */
  readonly random: () => number;
}

const keyOf = (pod: Pod) => `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;

/** Whether the pod is this scheduler's to place (upstream: unassigned, our schedulerName, not being deleted, not finished). */
export function waitsForScheduling(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return (
    !pod.spec?.nodeName &&
    (pod.spec?.schedulerName ?? SCHEDULER_NAME) === SCHEDULER_NAME &&
    !pod.metadata?.deletionTimestamp &&
    phase !== 'Succeeded' &&
    phase !== 'Failed'
  );
}

/** Whether a bound pod takes room on its node: until it is gone or finished (upstream counts terminating pods). */
const takesRoom = (pod: Pod) => !!pod.spec?.nodeName && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';

/** The node fields a decision reads: a change of any may let a waiting pod fit. */
const schedulingInputs = (node: Node) => JSON.stringify([node.metadata?.labels, node.spec?.taints, node.spec?.unschedulable, node.status?.allocatable]);

export function schedulerController(deps: ControllerDeps, options: Partial<SchedulerOptions> = {}): Controller {
  const random = options.random ?? Math.random;
  const pods = deps.informers.informerFor('Pod');
  const nodes = deps.informers.informerFor('Node');
  const claims = deps.informers.informerFor('PersistentVolumeClaim');
  const infos = new Map<string, NodeInfo>();
  /** Every pod counted on a node: by the informer, or assumed by this scheduler until the informer sees the binding. */
  const placed = new Map<string, { nodeName: string; usage: PodUsage; assumed: boolean }>();
  /** Pods no node fits, waiting for a change. */
  const unschedulable = new Set<string>();
  let nodeOrder: NodeInfo[] | undefined;
  let startIndex = 0;
  let enqueue: Enqueue | undefined;
  let bindingsInFlight = 0;
  /** Syncs waiting for a binding to finish, when MAX_BINDINGS_IN_FLIGHT are. */
  const waitingForRoom: (() => void)[] = [];

  function unplace(key: string): void {
    const at = placed.get(key);
    if (!at) return;
    placed.delete(key);
    const info = infos.get(at.nodeName);
    if (info) addUsage(info, at.usage, -1);
  }
  function place(key: string, nodeName: string, usage: PodUsage, assumed: boolean): void {
    placed.set(key, { nodeName, usage, assumed });
    const info = infos.get(nodeName);
    if (info) addUsage(info, usage, 1);
  }
  /** Upstream's MoveAllToActiveOrBackoffQueue: a change that may make room. */
  function retryUnschedulable(): void {
    for (const key of unschedulable) enqueue?.(key);
    unschedulable.clear();
  }

  function podChanged(pod: Pod | undefined, key: string): void {
    const at = placed.get(key);
    if (pod && takesRoom(pod)) {
      if (at && !at.assumed && at.nodeName === pod.spec!.nodeName) return;
      unplace(key);
      place(key, pod.spec!.nodeName!, podUsage(pod), false);
      return;
    }
    // Still unbound as the cache sees it: a binding in flight keeps its assumption.
    if (pod && at?.assumed && !pod.spec?.nodeName && waitsForScheduling(pod)) return;
    if (at) {
      unplace(key);
      retryUnschedulable();
    }
  }

  function nodeChanged(node: Node, deleted: boolean): void {
    const name = node.metadata?.name ?? '';
    nodeOrder = undefined;
    if (deleted) {
      infos.delete(name);
      return;
    }
    const info = infos.get(name);
    if (info) {
      setNode(info, node);
      return;
    }
    const created = newNodeInfo(node);
    infos.set(name, created);
    for (const at of placed.values()) if (at.nodeName === name) addUsage(created, at.usage, 1);
  }

  /** Upstream's binding cycle: the DefaultBinder's POST, then the Scheduled event; on failure the pod is forgotten and tried again. */
  async function bind(key: string, pod: Pod, nodeName: string): Promise<void> {
    const namespace = pod.metadata?.namespace ?? '';
    const name = pod.metadata?.name ?? '';
    try {
      await deps.client.resource(kinds.Pod, namespace).bind(name, { metadata: { name, namespace, uid: pod.metadata?.uid }, target: { kind: 'Node', name: nodeName } });
    } catch (error) {
      unplace(key);
      // Gone, or bound by someone else: the cache will say so.
      if (isNotFound(error) || isConflict(error)) return;
      deps.log.warn({ pod: key, node: nodeName, err: error }, 'binding failed; trying again');
      enqueue?.after(key, BIND_RETRY_MS);
      return;
    }
    deps.log.debug({ pod: key, node: nodeName }, 'bound');
    deps.recorder.eventFor(kinds.Pod, pod, 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${nodeName}`);
  }

  return {
    name: 'scheduler',
    workers: 16,
    watch(add) {
      enqueue = add;
      nodes.addEventHandler({
        onAdd: (node) => {
          nodeChanged(node, false);
          retryUnschedulable();
        },
        onUpdate: (old, node) => {
          nodeChanged(node, false);
          if (schedulingInputs(old) !== schedulingInputs(node)) retryUnschedulable();
        },
        onDelete: (node) => nodeChanged(node, true),
      });
      // upstream's VolumeBinding EventsToRegister: a claim added or updated may unblock a pod.
      claims.addEventHandler({ onAdd: retryUnschedulable, onUpdate: retryUnschedulable });
      pods.addEventHandler({
        onAdd: (pod) => {
          podChanged(pod, keyOf(pod));
          if (waitsForScheduling(pod)) add(keyOf(pod));
        },
        onUpdate: (_old, pod) => {
          podChanged(pod, keyOf(pod));
          if (waitsForScheduling(pod) && !unschedulable.has(keyOf(pod))) add(keyOf(pod));
        },
        onDelete: (pod) => {
          const key = keyOf(pod);
          unschedulable.delete(key);
          podChanged(undefined, key);
        },
      });
    },
    async sync(key) {
      const pod = pods.get(key);
      if (!pod || !waitsForScheduling(pod) || placed.get(key)?.assumed) return;
      unschedulable.delete(key);
      nodeOrder ??= [...infos.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
      const usage = podUsage(pod);
      const namespace = pod.metadata?.namespace ?? '';
      const preFilterRejection = volumeBindingRejection(pod, (claim) => claims.get(`${namespace}/${claim}`));
      const { decision, nextStartIndex } = schedulePod({ pod, usage, nodes: nodeOrder, startIndex, random, preFilterRejection });
      startIndex = nextStartIndex;
      if ('nodeName' in decision) {
        place(key, decision.nodeName, usage, true);
        while (bindingsInFlight >= MAX_BINDINGS_IN_FLIGHT) await new Promise<void>((resolve) => waitingForRoom.push(resolve));
        bindingsInFlight++;
        void bind(key, pod, decision.nodeName).finally(() => {
          bindingsInFlight--;
          waitingForRoom.shift()?.();
        });
        return;
      }
      unschedulable.add(key);
      deps.log.debug({ pod: key, reason: decision.unschedulable }, 'unschedulable');
      await executePlan(unschedulablePlan(pod, decision.unschedulable, deps.clock.now()), deps);
      return { requeueAfterMs: UNSCHEDULABLE_RETRY_MS };
    },
  };
}
