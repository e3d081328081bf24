// One step of a RollingUpdate (upstream update.go rollingUpdate and
// findUpdatedPodsOnNode). manage has already run and found nothing to do, so
// every node holds at most one old and one new pod.
//
// Without surge (maxSurge 0), old pods are deleted and manage creates their
// replacements on the next sync. Invariant: the nodes whose pod is missing,
// new but not available, or old but not available, plus the old available
// pods deleted now, are at most maxUnavailable. An unavailable old pod is
// always replaced (it is unavailable already). A deleted pod's node counts
// as unavailable until its replacement is available, so with maxUnavailable
// 1 a node never runs two pods of the DaemonSet: the new one is created only
// when the old one is gone (manage: no pod at all on the node).
//
// With surge, new pods are created next to old ones, at most maxSurge at a
// time beyond the nodes whose old pod is unavailable anyway; an old pod is
// deleted once the new pod on its node is available.
//
// Nodes are visited in name order (upstream: Go's map order), so the tests
// can name the pods each step touches.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { nodeShouldRunDaemonPod } from './placement.js';
import { isPodAvailable, isTerminating } from '../runtime/pod-readiness.js';
import { isPodUpdated, templateGeneration } from './pods.js';
import { surgeCount, unavailableCount, type DaemonSetState, type NodeActions } from './state.js';

interface NodePods {
  readonly newPod?: Pod;
  readonly oldPod?: Pod;
}

/** upstream findUpdatedPodsOnNode: undefined when a node has two new or two old live pods. */
function updatedPodsOnNode(state: DaemonSetState, pods: readonly Pod[]): NodePods | undefined {
  const generation = templateGeneration(state.ds);
  let newPod: Pod | undefined;
  let oldPod: Pod | undefined;
  for (const pod of pods) {
    if (isTerminating(pod)) continue;
    if (isPodUpdated(pod, state.hash, generation)) {
      if (newPod) return undefined;
      newPod = pod;
    } else {
      if (oldPod) return undefined;
      oldPod = pod;
    }
  }
  return { newPod, oldPod };
}

/** upstream updatedDesiredNodeCounts: every node that should run a pod gets an entry (maybe empty). */
export function desiredNodeCounts(state: DaemonSetState): { maxSurge: number; maxUnavailable: number; desired: number; byNode: Map<string, readonly Pod[]> } {
  const byNode = new Map<string, readonly Pod[]>(state.podsByNode);
  let desired = 0;
  for (const node of state.nodes) {
    if (!nodeShouldRunDaemonPod(node, state.ds).shouldRun) continue;
    desired++;
    const name = node.metadata?.name ?? '';
    if (!byNode.has(name)) byNode.set(name, []);
  }
  const maxSurge = surgeCount(state.ds, desired);
  let maxUnavailable = unavailableCount(state.ds, desired);
  // An impossible configuration (both 0) falls back to one unavailable, as upstream.
  if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable, desired, byNode };
}

const emptyActions = (nodesNeedingPods: string[], podsToDelete: Pod[]): NodeActions => ({ nodesNeedingPods, podsToDelete, events: [], backoff: new Map() });

export function planRollingUpdate(state: DaemonSetState): NodeActions {
  const { maxSurge, maxUnavailable, desired, byNode } = desiredNodeCounts(state);
  const minReady = state.ds.spec?.minReadySeconds ?? 0;
  const available = (pod: Pod) => isPodAvailable(pod, minReady, state.now);
  const nodeNames = [...byNode.keys()].sort();

  if (maxSurge === 0) {
    let numUnavailable = 0;
    const replacements: Pod[] = [];
    const candidates: Pod[] = [];
    for (const name of nodeNames) {
      const found = updatedPodsOnNode(state, byNode.get(name)!);
      if (!found) {
        numUnavailable++; // manage prunes the extra pods
        continue;
      }
      const { newPod, oldPod } = found;
      if (newPod && oldPod) numUnavailable++;
      else if (!newPod && !oldPod) numUnavailable++;
      else if (newPod) {
        if (!available(newPod)) numUnavailable++;
      } else if (!available(oldPod!)) {
        replacements.push(oldPod!);
        numUnavailable++;
      } else if (numUnavailable < maxUnavailable) {
        candidates.push(oldPod!);
      }
    }
    const remaining = Math.min(Math.max(maxUnavailable - numUnavailable, 0), candidates.length);
    return emptyActions([], [...replacements, ...candidates.slice(0, remaining)]);
  }

  const nodesByName = new Map(state.nodes.map((n) => [n.metadata?.name ?? '', n]));
  const shouldRun = (name: string) => {
    const node = nodesByName.get(name);
    return node !== undefined && nodeShouldRunDaemonPod(node, state.ds).shouldRun;
  };
  const oldPodsToDelete: Pod[] = [];
  const shouldNotRunPodsToDelete: Pod[] = [];
  const allowedNewNodes: string[] = [];
  const candidateNewNodes: string[] = [];
  let numSurge = 0;
  let numAvailable = 0;
  for (const name of nodeNames) {
    const found = updatedPodsOnNode(state, byNode.get(name)!);
    if (!found) {
      numSurge++;
      continue;
    }
    const { newPod, oldPod } = found;
    const counted = oldPod ?? newPod;
    if (counted && available(counted)) numAvailable++;
    if (!oldPod) continue; // manage creates a pod where there is none
    if (!newPod) {
      if (!available(oldPod)) {
        if (!shouldRun(name)) oldPodsToDelete.push(oldPod);
        else allowedNewNodes.push(name);
      } else if (!shouldRun(name)) {
        shouldNotRunPodsToDelete.push(oldPod);
      } else if (numSurge < maxSurge) {
        candidateNewNodes.push(name);
      }
      continue;
    }
    if (!available(newPod)) numSurge++;
    else oldPodsToDelete.push(oldPod);
  }
  // With surge the owner expects full availability: a pod on a node that no
  // longer qualifies goes only once enough pods are available elsewhere.
  const deletable = Math.min(Math.max(numAvailable - desired, 0), shouldNotRunPodsToDelete.length);
  oldPodsToDelete.push(...shouldNotRunPodsToDelete.slice(0, deletable));
  const remainingSurge = Math.min(Math.max(maxSurge - numSurge, 0), candidateNewNodes.length);
  return emptyActions([...allowedNewNodes, ...candidateNewNodes.slice(0, remainingSurge)], oldPodsToDelete);
}
