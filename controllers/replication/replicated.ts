// The replica engine's view of a replicated object, and the adapter that makes
// one of a ReplicationController. Upstream runs the ReplicaSet controller over
// RCs converted to ReplicaSets (pkg/controller/replication conversion.go); here
// the engine (plan.ts, deletion-order.ts, status.ts) reads a ReplicatedSet and
// fromReplicationController is the conversion. A ReplicaSet adapter would be
// its twin: a LabelSelector instead of a map, apps/v1 in the references.
import type { Pod, PodTemplateSpec, ReplicationController } from 'kubernetes-types/core/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { labelSelectorFromSet, type LabelSelector } from '../../proto/index.js';
import type { EventSubject, KindName } from '../runtime/plan.js';

/** upstream ReplicaSetCondition / ReplicationControllerCondition */
export interface ReplicaCondition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
  readonly lastTransitionTime?: string;
}

/** The status fields a ReplicaSet and a ReplicationController share. */
export interface ReplicaStatus {
  readonly replicas: number;
  readonly fullyLabeledReplicas: number;
  readonly readyReplicas: number;
  readonly availableReplicas: number;
  readonly observedGeneration: number;
  readonly conditions: readonly ReplicaCondition[];
}

export interface ReplicatedSet {
  /** What the status patch and the adoption re-check address. */
  readonly kind: KindName;
  readonly subject: EventSubject;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly generation: number;
  readonly deleting: boolean;
  readonly replicas: number;
  readonly minReadySeconds: number;
  readonly selector: LabelSelector;
  readonly template: PodTemplateSpec;
  /** The reference its pods carry (upstream metav1.NewControllerRef). */
  readonly controllerRef: OwnerReference;
  /** Its own controller, if any (upstream getReplicaSetsWithSameController). */
  readonly ownerRef?: OwnerReference;
  readonly status: ReplicaStatus;
}

/** upstream conversion.go: the RC as the ReplicaSet the engine reads (spec.replicas defaults to 1). */
export function fromReplicationController(rc: ReplicationController): ReplicatedSet {
  const meta = rc.metadata ?? {};
  const namespace = meta.namespace ?? '';
  const name = meta.name ?? '';
  const uid = meta.uid ?? '';
  const status = rc.status;
  return {
    kind: 'ReplicationController',
    subject: { apiVersion: 'v1', kind: 'ReplicationController', namespace, name, uid },
    namespace,
    name,
    uid,
    generation: meta.generation ?? 0,
    deleting: Boolean(meta.deletionTimestamp),
    replicas: rc.spec?.replicas ?? 1,
    minReadySeconds: rc.spec?.minReadySeconds ?? 0,
    selector: labelSelectorFromSet(rc.spec?.selector ?? {}),
    template: rc.spec?.template ?? {},
    controllerRef: { apiVersion: 'v1', kind: 'ReplicationController', name, uid, controller: true, blockOwnerDeletion: true },
    ownerRef: meta.ownerReferences?.find((r) => r.controller),
    status: {
      replicas: status?.replicas ?? 0,
      fullyLabeledReplicas: status?.fullyLabeledReplicas ?? 0,
      readyReplicas: status?.readyReplicas ?? 0,
      availableReplicas: status?.availableReplicas ?? 0,
      observedGeneration: status?.observedGeneration ?? 0,
      conditions: status?.conditions ?? [],
    },
  };
}

/** The pods a set's selector matches, in its namespace. */
export function selectedPods(set: ReplicatedSet, pods: readonly Pod[]): Pod[] {
  return pods.filter((p) => p.metadata?.namespace === set.namespace && set.selector.matches(p.metadata?.labels ?? {}));
}

/**
 * upstream getIndirectlyRelatedPods: the pods of every set with the same
 * controller owner as `set` (itself included), each once. A set no controller
 * owns (every RC a user creates) has none, so its pods are not ranked by node.
 */
export function indirectlyRelatedPods(set: ReplicatedSet, sets: readonly ReplicatedSet[], pods: readonly Pod[]): Pod[] {
  const owner = set.ownerRef?.uid;
  if (!owner) return [];
  const seen = new Set<string>();
  const related: Pod[] = [];
  for (const other of sets) {
    if (other.namespace !== set.namespace || other.ownerRef?.uid !== owner) continue;
    for (const pod of selectedPods(other, pods)) {
      const uid = pod.metadata?.uid ?? '';
      if (seen.has(uid)) continue;
      seen.add(uid);
      related.push(pod);
    }
  }
  return related;
}
