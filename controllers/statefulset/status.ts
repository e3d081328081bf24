// A StatefulSet's status (upstream stateful_set_control.go
// computeReplicaStatus, completeRollingUpdate, and
// stateful_set_status_updater.go, which writes only when it changed).
import type { StatefulSet, StatefulSetStatus } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { PatchAction } from '../runtime/plan.js';
import { ordinalOf, podRevision } from './identity.js';
import { isRunningAndAvailable, isRunningAndReady, isTerminating } from './plan.js';

export interface StatusInput {
  readonly set: StatefulSet;
  readonly pods: readonly Pod[];
  readonly currentRevision: string;
  readonly updateRevision: string;
  readonly collisionCount: number;
  readonly now: number;
}

/** upstream computeReplicaStatus over the set's pods, then completeRollingUpdate. */
export function computeStatus(input: StatusInput): StatefulSetStatus {
  const { set, currentRevision, updateRevision, now } = input;
  const minReady = set.spec?.minReadySeconds ?? 0;
  const status = {
    observedGeneration: set.metadata?.generation ?? 0,
    replicas: 0,
    readyReplicas: 0,
    currentReplicas: 0,
    updatedReplicas: 0,
    availableReplicas: 0,
    currentRevision,
    updateRevision,
    collisionCount: input.collisionCount,
  };
  for (const pod of input.pods) {
    if (ordinalOf(set, pod) < 0) continue;
    status.replicas++;
    if (isRunningAndReady(pod)) {
      status.readyReplicas++;
      if (isRunningAndAvailable(pod, minReady, now)) status.availableReplicas++;
    }
    if (!isTerminating(pod)) {
      if (podRevision(pod) === currentRevision) status.currentReplicas++;
      if (podRevision(pod) === updateRevision) status.updatedReplicas++;
    }
  }
  // upstream completeRollingUpdate: every pod updated and ready, the update revision becomes current.
  if (set.spec?.updateStrategy?.type === 'RollingUpdate' && status.updatedReplicas === status.replicas && status.readyReplicas === status.replicas) {
    status.currentReplicas = status.updatedReplicas;
    status.currentRevision = status.updateRevision;
  }
  return status;
}

const fields = ['observedGeneration', 'replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas', 'currentRevision', 'updateRevision', 'collisionCount'] as const;

/** upstream inconsistentStatus: the status write, or undefined when nothing changed. Zero counts Go omits are removed. */
export function statusPatch(set: StatefulSet, status: StatefulSetStatus): PatchAction | undefined {
  const old = set.status ?? { replicas: 0 };
  const norm = (v: unknown) => (v === undefined || v === null ? 0 : v);
  if (fields.every((f) => norm(old[f]) === norm(status[f]) || (norm(old[f]) === 0 && status[f] === ''))) return undefined;
  const omitZero = (n: number | undefined) => (n ? n : null);
  const patch = {
    status: {
      observedGeneration: status.observedGeneration,
      replicas: status.replicas,
      readyReplicas: omitZero(status.readyReplicas),
      currentReplicas: omitZero(status.currentReplicas),
      updatedReplicas: omitZero(status.updatedReplicas),
      availableReplicas: status.availableReplicas ?? 0,
      currentRevision: status.currentRevision || null,
      updateRevision: status.updateRevision || null,
      collisionCount: status.collisionCount ?? 0,
    },
  };
  return { kind: 'StatefulSet', namespace: set.metadata?.namespace, name: set.metadata?.name ?? '', subresource: 'status', patchType: 'merge', patch, reason: 'status' };
}
