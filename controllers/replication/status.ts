// A replicated set's status as upstream's calculateStatus counts it and
// updateReplicaSetStatus writes it (replica_set_utils.go): its active pods,
// those carrying every label of the template, the ready ones, and the ones
// ready for minReadySeconds; a ReplicaFailure condition while creates or
// deletes fail (set once, kept while they fail, removed by a sync that does
// not fail). Written only when something changed or observedGeneration is
// behind; the fields Go omits when zero are removed.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { labelSelectorFromSet } from '../../proto/index.js';
import { isPodAvailable, isPodReady } from '../runtime/pod-readiness.js';
import type { PatchAction } from '../runtime/plan.js';
import { metaTime } from '../runtime/time.js';
import type { ReplicaCondition, ReplicaStatus, ReplicatedSet } from './replicated.js';

export const REPLICA_FAILURE = 'ReplicaFailure';

/** `manageError`: the message of the create or delete that failed in this sync, if one did. */
export function calculateStatus(set: ReplicatedSet, pods: readonly Pod[], manageError: string | undefined, now: number): ReplicaStatus {
  const templateLabels = labelSelectorFromSet(set.template.metadata?.labels ?? {});
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of pods) {
    if (templateLabels.matches(pod.metadata?.labels ?? {})) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, set.minReadySeconds, now)) available++;
    }
  }
  let conditions = set.status.conditions;
  const failure = conditions.find((c) => c.type === REPLICA_FAILURE);
  if (manageError !== undefined && !failure) {
    const diff = pods.length - set.replicas;
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    const condition: ReplicaCondition = { type: REPLICA_FAILURE, status: 'True', lastTransitionTime: metaTime(now), reason, message: manageError };
    conditions = [...conditions, condition];
  } else if (manageError === undefined && failure) {
    conditions = conditions.filter((c) => c.type !== REPLICA_FAILURE);
  }
  return { replicas: pods.length, fullyLabeledReplicas: fullyLabeled, readyReplicas: ready, availableReplicas: available, observedGeneration: set.generation, conditions };
}

const COUNTS = ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'] as const;

/** The status write (upstream updateReplicaSetStatus), or undefined when nothing changed. */
export function statusPatch(set: ReplicatedSet, status: ReplicaStatus): PatchAction | undefined {
  const old = set.status;
  const unchanged =
    COUNTS.every((k) => old[k] === status[k]) && set.generation === old.observedGeneration && JSON.stringify(old.conditions) === JSON.stringify(status.conditions);
  if (unchanged) return undefined;
  const omitZero = (n: number) => (n === 0 ? null : n);
  const patch = {
    status: {
      replicas: status.replicas,
      fullyLabeledReplicas: omitZero(status.fullyLabeledReplicas),
      readyReplicas: omitZero(status.readyReplicas),
      availableReplicas: omitZero(status.availableReplicas),
      observedGeneration: omitZero(status.observedGeneration),
      conditions: status.conditions.length > 0 ? status.conditions : null,
    },
  };
  return { kind: set.kind, namespace: set.namespace, name: set.name, subresource: 'status', patchType: 'merge', patch, reason: 'status' };
}

/**
 * upstream syncReplicaSet's last line of defence against clock skew: all
 * ready but not all available yet, look again after minReadySeconds.
 */
export function availabilityRequeueMs(set: ReplicatedSet, status: ReplicaStatus): number | undefined {
  const waiting = set.minReadySeconds > 0 && status.readyReplicas === set.replicas && status.availableReplicas !== set.replicas;
  return waiting ? set.minReadySeconds * 1000 : undefined;
}
