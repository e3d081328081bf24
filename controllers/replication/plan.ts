// The replica engine's decision for one set (upstream replica_set.go
// manageReplicas): as many pods as spec.replicas among its active pods.
// Too few: create the difference from the template, at most burstReplicas a
// sync; too many: delete the difference, at most burstReplicas, those first
// that deletion-order.ts prefers. The controller applies it in slow-start
// batches with expectations, so a stale cache never makes it act twice.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { podFromTemplate } from '../runtime/pod-template.js';
import { podsToDelete } from './deletion-order.js';
import type { ReplicatedSet } from './replicated.js';

/** upstream replicationcontroller.BurstReplicas (500 for RCs and ReplicaSets). */
export const BURST_REPLICAS = 500;

export interface ReplicaState {
  readonly set: ReplicatedSet;
  /** Its pods: active (upstream FilterActivePods) and claimed. */
  readonly pods: readonly Pod[];
  /** upstream getIndirectlyRelatedPods (replicated.ts), for ranking by node. */
  readonly relatedPods: readonly Pod[];
  readonly burstReplicas: number;
  readonly now: number;
}

export interface ReplicaPlan {
  /** Pods to create (each from the template, generateName `<set>-`). */
  readonly creates: readonly Pod[];
  readonly deletes: readonly Pod[];
}

export function planReplicas(state: ReplicaState): ReplicaPlan {
  const { set, pods, burstReplicas } = state;
  const diff = pods.length - set.replicas;
  if (diff < 0) {
    const count = Math.min(-diff, burstReplicas);
    return { creates: Array.from({ length: count }, () => newReplicaPod(set)), deletes: [] };
  }
  if (diff > 0) return { creates: [], deletes: podsToDelete(pods, state.relatedPods, Math.min(diff, burstReplicas), state.now) };
  return { creates: [], deletes: [] };
}

/** upstream podControl.CreatePods(template, rs, NewControllerRef(rs)). */
export function newReplicaPod(set: ReplicatedSet): Pod {
  return podFromTemplate(set.template, set.namespace, set.controllerRef);
}
