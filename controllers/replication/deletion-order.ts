// Which surplus pods go first (upstream replica_set.go getPodsToDelete and
// getPodsRankedByRelatedPodsOnSameNode; controller_utils.go
// ActivePodsWithRanks.Less, with the v1.32 feature gates PodDeletionCost and
// LogarithmicScaleDown on). A pod is deleted before another when, at the first
// rule that tells them apart:
//   1. it is not assigned to a node and the other is;
//   2. its phase is earlier: Pending < Unknown < Running;
//   3. it is not ready and the other is;
//   4. its controller.kubernetes.io/pod-deletion-cost is lower;
//   5. more related pods share its node (its rank is higher);
//   6. both ready: it has been ready for less time (by powers of two of the
//      time since; the same power: the lower uid), no ready time first;
//   7. a container of it has restarted more often;
//   8. it is newer (by powers of two of its age, then uid), no creation time first.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { isPodActive, isPodReady, podReadySince } from '../runtime/pod-readiness.js';
import { parseTime } from '../runtime/time.js';

/** upstream core.PodDeletionCost */
export const POD_DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

const PHASE_ORDINAL: Readonly<Record<string, number>> = { Pending: 0, Unknown: 1, Running: 2 };

/** upstream helper.GetDeletionCostFromPodAnnotations: an int32, 0 when absent or not one. */
export function deletionCost(pod: Pod): number {
  const value = pod.metadata?.annotations?.[POD_DELETION_COST_ANNOTATION];
  if (value === undefined || !/^[+-]?\d+$/.test(value.trim())) return 0;
  const cost = Number(value);
  return cost >= -2147483648 && cost <= 2147483647 ? cost : 0;
}

/** upstream maxContainerRestarts */
export function maxContainerRestarts(pod: Pod): number {
  return Math.max(0, ...(pod.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
}

/** upstream logarithmicRankDiff: floor(log2) of each age in nanoseconds (-1 for none), compared. */
function logarithmicRankDiff(t1: number, t2: number, now: number): number {
  const rank = (t: number) => {
    const nanos = (now - t) * 1e6;
    return nanos > 0 ? Math.floor(Math.log2(nanos)) : -1;
  };
  return rank(t1) - rank(t2);
}

/** upstream afterOrZero: is t1 after t2, a missing time counting as after any. */
function afterOrZero(t1: number | undefined, t2: number | undefined): boolean {
  if (t1 === undefined || t2 === undefined) return t1 === undefined;
  return t1 > t2;
}

export interface RankedPod {
  readonly pod: Pod;
  /** Active related pods on its node. */
  readonly rank: number;
}

/** The newer of two times goes first (rules 6 and 8): by logarithmic rank, then uid. */
function newerFirst(a: RankedPod, b: RankedPod, ta: number | undefined, tb: number | undefined, now: number): boolean {
  if (ta === undefined || tb === undefined) return afterOrZero(ta, tb);
  const diff = logarithmicRankDiff(ta, tb, now);
  if (diff === 0) return (a.pod.metadata?.uid ?? '') < (b.pod.metadata?.uid ?? '');
  return diff < 0;
}

/** upstream ActivePodsWithRanks.Less: should `a` be deleted before `b`? */
export function deleteBefore(a: RankedPod, b: RankedPod, now: number): boolean {
  const [pa, pb] = [a.pod, b.pod];
  const nodeA = pa.spec?.nodeName ?? '';
  const nodeB = pb.spec?.nodeName ?? '';
  if (nodeA !== nodeB && (nodeA === '' || nodeB === '')) return nodeA === '';
  const phaseA = PHASE_ORDINAL[pa.status?.phase ?? ''] ?? 0;
  const phaseB = PHASE_ORDINAL[pb.status?.phase ?? ''] ?? 0;
  if (phaseA !== phaseB) return phaseA < phaseB;
  const readyA = isPodReady(pa);
  const readyB = isPodReady(pb);
  if (readyA !== readyB) return !readyA;
  const costA = deletionCost(pa);
  const costB = deletionCost(pb);
  if (costA !== costB) return costA < costB;
  if (a.rank !== b.rank) return a.rank > b.rank;
  if (readyA && readyB) {
    const since = [podReadySince(pa), podReadySince(pb)] as const;
    if (since[0] !== since[1]) return newerFirst(a, b, since[0], since[1], now);
  }
  const restartsA = maxContainerRestarts(pa);
  const restartsB = maxContainerRestarts(pb);
  if (restartsA !== restartsB) return restartsA > restartsB;
  const created = [parseTime(pa.metadata?.creationTimestamp), parseTime(pb.metadata?.creationTimestamp)] as const;
  if (created[0] !== created[1]) return newerFirst(a, b, created[0], created[1], now);
  return false;
}

/** upstream getPodsRankedByRelatedPodsOnSameNode: each pod with the count of active related pods on its node. */
export function rankByRelatedPodsOnSameNode(pods: readonly Pod[], relatedPods: readonly Pod[]): RankedPod[] {
  const onNode = new Map<string, number>();
  for (const pod of relatedPods) {
    if (!isPodActive(pod)) continue;
    const node = pod.spec?.nodeName ?? '';
    onNode.set(node, (onNode.get(node) ?? 0) + 1);
  }
  return pods.map((pod) => ({ pod, rank: onNode.get(pod.spec?.nodeName ?? '') ?? 0 }));
}

/** upstream getPodsToDelete: the `count` pods to delete first (all of them unsorted when count covers them all). */
export function podsToDelete(pods: readonly Pod[], relatedPods: readonly Pod[], count: number, now: number): Pod[] {
  if (count >= pods.length) return pods.slice(0, count);
  const ranked = rankByRelatedPodsOnSameNode(pods, relatedPods);
  ranked.sort((a, b) => (deleteBefore(a, b, now) ? -1 : deleteBefore(b, a, now) ? 1 : 0));
  return ranked.slice(0, count).map((r) => r.pod);
}
