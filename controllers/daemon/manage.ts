// upstream daemon_controller.go manage and podsShouldBeOnNode: per node, a
// pod to create where one should run and none does, failed pods deleted
// (with back-off), extra pods pruned (with maxSurge, an old pod kept until
// its replacement is available), every pod deleted where none may stay; and
// pods for nodes that are gone deleted.
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { EventAction } from '../runtime/plan.js';
import { failedPodsBackoffKey, inBackoff, nextBackoff, type BackoffEntry } from './failed-pod-backoff.js';
import { nodeShouldRunDaemonPod } from './placement.js';
import { isPodAvailable, isPodReady, isTerminating } from '../runtime/pod-readiness.js';
import { compareByCreationAndPhase, REVISION_HASH_LABEL } from './pods.js';
import { allowsSurge, dsSubject, type DaemonSetState, type NodeActions } from './state.js';

interface NodeDecision {
  needsPod: boolean;
  deletes: Pod[];
  events: EventAction[];
  backoff?: [string, BackoffEntry];
  requeueAfterMs?: number;
}

function podsShouldBeOnNode(state: DaemonSetState, node: Node, daemonPods: readonly Pod[] | undefined): NodeDecision {
  const { ds, hash, now } = state;
  const nodeName = node.metadata?.name ?? '';
  const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
  const decision: NodeDecision = { needsPod: false, deletes: [], events: [] };
  if (shouldRun && daemonPods === undefined) {
    decision.needsPod = true;
    return decision;
  }
  if (!shouldContinueRunning) {
    decision.deletes.push(...(daemonPods ?? []).filter((p) => !isTerminating(p)));
    return decision;
  }
  const running: Pod[] = [];
  for (const pod of daemonPods ?? []) {
    if (isTerminating(pod)) continue;
    if (pod.status?.phase === 'Failed') {
      // Often a fight with a kubelet that rejects the pod: back off (upstream failedPodsBackoff).
      const key = failedPodsBackoffKey(ds.metadata?.uid ?? '', ds.status?.observedGeneration ?? 0, nodeName);
      const entry = state.backoff.get(key);
      if (inBackoff(entry, now)) {
        decision.requeueAfterMs = entry!.backoffMs;
        continue;
      }
      decision.backoff = [key, nextBackoff(entry, now)];
      const message = `Found failed daemon pod ${pod.metadata?.namespace}/${pod.metadata?.name} on node ${nodeName}, will try to kill it`;
      decision.events.push({ regarding: dsSubject(ds), type: 'Warning', reason: 'FailedDaemonPod', message });
      decision.deletes.push(pod);
    } else if (pod.status?.phase === 'Succeeded') {
      decision.deletes.push(pod);
    } else {
      running.push(pod);
    }
  }
  running.sort(compareByCreationAndPhase);
  if (!allowsSurge(ds)) {
    // Without surge, more than one running pod: all but the oldest go.
    decision.deletes.push(...running.slice(1));
    return decision;
  }
  if (running.length <= 1) {
    if (running.length === 0 && shouldRun) decision.needsPod = true;
    return decision;
  }
  // With surge, two pods may share a node only while the oldest new one is not
  // available and the oldest old one is ready; everything else goes.
  let oldestNew: Pod | undefined;
  let oldestOld: Pod | undefined;
  for (const pod of running) {
    const isNew = pod.metadata?.labels?.[REVISION_HASH_LABEL] === hash;
    if (isNew && !oldestNew) oldestNew = pod;
    else if (!isNew && !oldestOld) oldestOld = pod;
    else decision.deletes.push(pod);
  }
  if (oldestNew && oldestOld) {
    if (!isPodReady(oldestOld) || isPodAvailable(oldestNew, ds.spec?.minReadySeconds ?? 0, now)) decision.deletes.push(oldestOld);
  }
  return decision;
}

/** upstream manage: every node's decision, then the pods of nodes that no longer exist. */
export function planManage(state: DaemonSetState): NodeActions {
  const actions: NodeActions = { nodesNeedingPods: [], podsToDelete: [], events: [], backoff: new Map() };
  const requeues: number[] = [];
  for (const node of state.nodes) {
    const decision = podsShouldBeOnNode(state, node, state.podsByNode.get(node.metadata?.name ?? ''));
    if (decision.needsPod) actions.nodesNeedingPods.push(node.metadata?.name ?? '');
    actions.podsToDelete.push(...decision.deletes);
    actions.events.push(...decision.events);
    if (decision.backoff) actions.backoff.set(...decision.backoff);
    if (decision.requeueAfterMs !== undefined) requeues.push(decision.requeueAfterMs);
  }
  // upstream getUnscheduledPodsWithoutNode: the unbound pods made for a gone
  // node are deleted (no scheduler will ever bind them); bound ones are the
  // pod garbage collector's (controllers/podgc), as upstream.
  const nodeNames = new Set(state.nodes.map((n) => n.metadata?.name ?? ''));
  for (const [nodeName, pods] of state.podsByNode) {
    if (!nodeNames.has(nodeName)) actions.podsToDelete.push(...pods.filter((p) => !isTerminating(p) && !p.spec?.nodeName));
  }
  return requeues.length > 0 ? { ...actions, requeueAfterMs: Math.min(...requeues) } : actions;
}
