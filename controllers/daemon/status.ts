// A DaemonSet's status as upstream's updateDaemonSetStatus counts it and
// storeDaemonSetStatus writes it: per node that should run a pod, the oldest
// of its pods (bound first) decides ready, available and updated; a pod on a
// node that should not run one is misscheduled. Written only when a number
// changed or observedGeneration is behind.
import type { DaemonSet, DaemonSetStatus } from 'kubernetes-types/apps/v1.js';
import type { PatchAction } from '../runtime/plan.js';
import { nodeShouldRunDaemonPod } from './placement.js';
import { isPodAvailable, isPodReady } from '../runtime/pod-readiness.js';
import { compareByCreationAndPhase, isPodUpdated, templateGeneration } from './pods.js';
import type { DaemonSetState } from './state.js';

export interface DaemonSetCounts {
  readonly desiredNumberScheduled: number;
  readonly currentNumberScheduled: number;
  readonly numberMisscheduled: number;
  readonly numberReady: number;
  readonly updatedNumberScheduled: number;
  readonly numberAvailable: number;
  readonly numberUnavailable: number;
}

export function daemonSetCounts(state: DaemonSetState): DaemonSetCounts {
  const { ds, hash, now } = state;
  const generation = templateGeneration(ds);
  const minReady = ds.spec?.minReadySeconds ?? 0;
  let desired = 0;
  let current = 0;
  let misscheduled = 0;
  let ready = 0;
  let available = 0;
  let updated = 0;
  for (const node of state.nodes) {
    const pods = state.podsByNode.get(node.metadata?.name ?? '') ?? [];
    if (!nodeShouldRunDaemonPod(node, ds).shouldRun) {
      if (pods.length > 0) misscheduled++;
      continue;
    }
    desired++;
    if (pods.length === 0) continue;
    current++;
    const pod = [...pods].sort(compareByCreationAndPhase)[0]!;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReady, now)) available++;
    }
    if (isPodUpdated(pod, hash, generation)) updated++;
  }
  return {
    desiredNumberScheduled: desired,
    currentNumberScheduled: current,
    numberMisscheduled: misscheduled,
    numberReady: ready,
    updatedNumberScheduled: updated,
    numberAvailable: available,
    numberUnavailable: desired - available,
  };
}

/**
 * The status write, or undefined when nothing changed (upstream
 * storeDaemonSetStatus). observedGeneration is raised only when the sync
 * acted on this generation (expectations were satisfied). The fields Go
 * omits when zero are removed, as a real cluster shows them.
 */
export function statusPatch(ds: DaemonSet, counts: DaemonSetCounts, updateObservedGeneration: boolean): PatchAction | undefined {
  const status: DaemonSetStatus = ds.status ?? { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 };
  const generation = ds.metadata?.generation ?? 0;
  const unchanged = (Object.keys(counts) as (keyof DaemonSetCounts)[]).every((k) => (status[k] ?? 0) === counts[k]) && (status.observedGeneration ?? 0) >= generation;
  if (unchanged) return undefined;
  const omitZero = (n: number) => (n === 0 ? null : n);
  const patch = {
    status: {
      ...(updateObservedGeneration ? { observedGeneration: generation } : {}),
      desiredNumberScheduled: counts.desiredNumberScheduled,
      currentNumberScheduled: counts.currentNumberScheduled,
      numberMisscheduled: counts.numberMisscheduled,
      numberReady: counts.numberReady,
      updatedNumberScheduled: omitZero(counts.updatedNumberScheduled),
      numberAvailable: omitZero(counts.numberAvailable),
      numberUnavailable: omitZero(counts.numberUnavailable),
    },
  };
  return { kind: 'DaemonSet', namespace: ds.metadata?.namespace, name: ds.metadata?.name ?? '', subresource: 'status', patchType: 'merge', patch, reason: 'status' };
}
