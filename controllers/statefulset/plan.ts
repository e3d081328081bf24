// The StatefulSet controller's decision for one set (upstream
// stateful_set_control.go updateStatefulSet, processReplica,
// processCondemned and the RollingUpdate step). Pure: the set, its pods,
// its claims and its two revisions in; the next writes out, in order.
//
// Invariants, as upstream:
// - replicas are the ordinals [start, start+replicas); every other pod of
//   the set is condemned; a pod whose name has no ordinal is ignored.
// - OrderedReady ("monotonic"): the first replica that is missing, failed,
//   terminating or not Running, Ready and available stops the plan; a
//   condemned pod is deleted only once every replica is healthy, highest
//   ordinal first, one at a time. Parallel: all of it in one plan.
// - Updates come last, and only once nothing above is left to do: the
//   highest ordinal at or above the partition that is not at the update
//   revision is deleted (it comes back at the update revision), one at a
//   time, waiting for each to be healthy again. OnDelete never deletes.
//
// Worked trace (OrderedReady, replicas 3, nothing yet): create web-0; then,
// web-0 Pending: nothing; web-0 Running and Ready: create web-1; ...
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.js';
import { isPodAvailable, isPodReady, isTerminating } from '../runtime/pod-readiness.js';
import type { PatchAction } from '../runtime/plan.js';
import { parseTime } from '../runtime/time.js';
import { claimRetentionPatches } from './claims.js';
import { claimsFor, newStatefulSetPod, ordinalOf, podRevision, replicaCount, startOrdinal } from './identity.js';

export interface StatefulSetState {
  readonly set: StatefulSet;
  /** The set with the current revision's template (upstream ApplyRevision). */
  readonly currentSet: StatefulSet;
  readonly currentRevision: string;
  readonly updateRevision: string;
  /** The set's pods (claimed), terminating ones included. */
  readonly pods: readonly Pod[];
  /** Claims in the set's namespace, by name. */
  readonly claims: ReadonlyMap<string, PersistentVolumeClaim>;
  readonly now: number;
}

export type StatefulSetAction =
  /** Create the claims not yet there, then the pod (upstream CreateStatefulPod). */
  | { readonly type: 'create'; readonly ordinal: number; readonly pod: Pod; readonly claims: readonly PersistentVolumeClaim[] }
  | { readonly type: 'delete'; readonly pod: Pod; readonly why: 'failed' | 'condemned' | 'update' }
  /** Claims whose owners must follow the retention policy. */
  | { readonly type: 'claims'; readonly patches: readonly PatchAction[] };

export interface StatefulSetPlan {
  readonly actions: StatefulSetAction[];
  /** A Ready pod not yet available after minReadySeconds: look again then. */
  readonly requeueAfterMs?: number;
}

export const isCreated = (pod: Pod | undefined): pod is Pod => pod !== undefined;
export { isTerminating };
const isFailed = (pod: Pod) => pod.status?.phase === 'Failed';
const isSucceeded = (pod: Pod) => pod.status?.phase === 'Succeeded';
/** upstream isRunningAndReady */
export const isRunningAndReady = (pod: Pod): boolean => pod.status?.phase === 'Running' && isPodReady(pod);
/** upstream isRunningAndAvailable */
export const isRunningAndAvailable = (pod: Pod, minReadySeconds: number, now: number): boolean => pod.status?.phase === 'Running' && isPodAvailable(pod, minReadySeconds, now);
/** upstream isHealthy */
const isHealthy = (pod: Pod) => isRunningAndReady(pod) && !isTerminating(pod);

export const isMonotonic = (set: StatefulSet): boolean => set.spec?.podManagementPolicy !== 'Parallel';

/** The set's pods split by ordinal: replicas[i] is ordinal start+i (undefined: missing); condemned, highest ordinal last. */
export function splitPods(set: StatefulSet, pods: readonly Pod[]): { replicas: (Pod | undefined)[]; condemned: Pod[] } {
  const start = startOrdinal(set);
  const count = replicaCount(set);
  const replicas: (Pod | undefined)[] = Array.from({ length: count }, () => undefined);
  const condemned: { ordinal: number; pod: Pod }[] = [];
  for (const pod of pods) {
    const ordinal = ordinalOf(set, pod);
    if (ordinal < 0) continue;
    if (ordinal >= start && ordinal < start + count) replicas[ordinal - start] = pod;
    else condemned.push({ ordinal, pod });
  }
  condemned.sort((a, b) => a.ordinal - b.ordinal);
  return { replicas, condemned: condemned.map((c) => c.pod) };
}

/** upstream newVersionedStatefulSetPod: below the partition, a pod comes back at the current revision. */
export function newVersionedPod(state: StatefulSetState, ordinal: number): Pod {
  const { set, currentSet } = state;
  const strategy = currentSet.spec?.updateStrategy;
  const start = startOrdinal(currentSet);
  if (strategy?.type !== 'OnDelete') {
    const rolling = strategy?.rollingUpdate;
    const below = rolling ? ordinal < start + (rolling.partition ?? 0) : ordinal < start + (currentSet.status?.currentReplicas ?? 0);
    if (below) return newStatefulSetPod(currentSet, ordinal, state.currentRevision);
  }
  return newStatefulSetPod(set, ordinal, state.updateRevision);
}

const claimsOf = (state: StatefulSetState, set: StatefulSet, ordinal: number) =>
  claimsFor(set, ordinal)
    .map(({ claim }) => state.claims.get(claim.metadata?.name ?? ''))
    .filter((c): c is PersistentVolumeClaim => c !== undefined);

/** The ms until a Ready pod becomes available, if it is not yet. */
function availableIn(pod: Pod, minReadySeconds: number, now: number): number | undefined {
  if (minReadySeconds === 0 || !isRunningAndReady(pod)) return undefined;
  const since = parseTime(pod.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime);
  return since === undefined ? undefined : Math.max(1, since + minReadySeconds * 1000 - now + 1);
}

export function planStatefulSet(state: StatefulSetState): StatefulSetPlan {
  const { set, now } = state;
  const actions: StatefulSetAction[] = [];
  if (set.metadata?.deletionTimestamp) return { actions };
  const monotonic = isMonotonic(set);
  const minReady = set.spec?.minReadySeconds ?? 0;
  const start = startOrdinal(set);
  const { replicas, condemned } = splitPods(set, state.pods);
  let requeueAfterMs: number | undefined;
  const done = () => ({ actions, requeueAfterMs });

  // upstream: the first replica (then condemned pod) that is not Running and available.
  const firstUnhealthy = [...replicas, ...condemned].find((p) => !p || !isRunningAndAvailable(p, minReady, now) || isTerminating(p));

  for (let i = 0; i < replicas.length; i++) {
    const pod = replicas[i];
    const ordinal = start + i;
    if (!isCreated(pod)) {
      const fresh = newVersionedPod(state, ordinal);
      const missing = claimsFor(set, ordinal)
        .map(({ claim }) => claim)
        .filter((c) => !state.claims.has(c.metadata?.name ?? ''));
      actions.push({ type: 'create', ordinal, pod: fresh, claims: missing });
      if (monotonic) return done();
      continue;
    }
    if (isFailed(pod) || isSucceeded(pod)) {
      // upstream: deleted now; made again, with the same name, once it is gone.
      if (!isTerminating(pod)) actions.push({ type: 'delete', pod, why: 'failed' });
      if (monotonic) return done();
      continue;
    }
    if (monotonic && (isTerminating(pod) || !isRunningAndReady(pod))) return done();
    if (monotonic && !isRunningAndAvailable(pod, minReady, now)) {
      requeueAfterMs = availableIn(pod, minReady, now);
      return done();
    }
    const patches = claimRetentionPatches(set, pod, ordinal, claimsOf(state, set, ordinal));
    if (patches.length > 0) actions.push({ type: 'claims', patches });
  }

  for (const pod of condemned) {
    const patches = claimRetentionPatches(set, pod, ordinalOf(set, pod), claimsOf(state, set, ordinalOf(set, pod)));
    if (patches.length > 0) actions.push({ type: 'claims', patches });
  }
  for (let target = condemned.length - 1; target >= 0; target--) {
    const pod = condemned[target]!;
    if (isTerminating(pod)) {
      if (monotonic) return done();
      continue;
    }
    if (monotonic && pod !== firstUnhealthy && !isRunningAndAvailable(pod, minReady, now)) {
      requeueAfterMs = availableIn(pod, minReady, now);
      return done();
    }
    actions.push({ type: 'delete', pod, why: 'condemned' });
    if (monotonic) return done();
  }

  if (set.spec?.updateStrategy?.type === 'OnDelete') return done();
  const partition = set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
  for (let target = replicas.length - 1; target >= partition; target--) {
    const pod = replicas[target];
    if (!pod) return done();
    if (podRevision(pod) !== state.updateRevision && !isTerminating(pod)) {
      actions.push({ type: 'delete', pod, why: 'update' });
      return done();
    }
    if (!isHealthy(pod)) return done();
  }
  return done();
}
