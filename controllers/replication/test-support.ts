// Fixtures for the replica engine's decision tables: S8's RC redis-slave and
// its pods in the states a scale-down meets.
import type { Pod, ReplicationController } from 'kubernetes-types/core/v1.js';
import { metaTime } from '../runtime/time.js';
import { fromReplicationController, type ReplicatedSet } from './replicated.js';

export const T0 = Date.parse('2026-01-01T00:00:00Z');

export interface RCShape {
  readonly replicas?: number;
  readonly minReadySeconds?: number;
  readonly generation?: number;
  readonly observedGeneration?: number;
  readonly status?: ReplicationController['status'];
  readonly deleting?: boolean;
  readonly owner?: string;
}

export function rc(shape: RCShape = {}): ReplicationController {
  return {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: {
      name: 'redis-slave',
      namespace: 'default',
      uid: 'rc-uid',
      generation: shape.generation ?? 1,
      ...(shape.deleting ? { deletionTimestamp: metaTime(T0) } : {}),
      ...(shape.owner ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Owner', name: 'o', uid: shape.owner, controller: true }] } : {}),
    },
    spec: {
      replicas: shape.replicas ?? 2,
      minReadySeconds: shape.minReadySeconds,
      selector: { app: 'redis', role: 'slave' },
      template: {
        metadata: { labels: { app: 'redis', role: 'slave', tier: 'backend' } },
        spec: { containers: [{ name: 'slave', image: 'gcr.io/google_samples/gb-redisslave:v1' }] },
      },
    },
    status: shape.status ?? { replicas: 0, observedGeneration: shape.observedGeneration ?? 1 },
  };
}

export const set = (shape: RCShape = {}): ReplicatedSet => fromReplicationController(rc(shape));

export interface PodShape {
  /** undefined: not assigned to a node. */
  readonly node?: string;
  readonly phase?: 'Pending' | 'Unknown' | 'Running' | 'Failed' | 'Succeeded';
  readonly ready?: boolean;
  /** When it became Ready (default T0 - 60 s). */
  readonly readySince?: number;
  readonly restarts?: number;
  /** Creation time (default T0 - 120 s); null: none. */
  readonly created?: number | null;
  readonly cost?: string;
  readonly deleting?: boolean;
  readonly labels?: Record<string, string>;
  readonly orphan?: boolean;
  readonly uid?: string;
}

export function replicaPod(name: string, shape: PodShape = {}): Pod {
  const phase = shape.phase ?? 'Running';
  const ready = shape.ready ?? phase === 'Running';
  const created = shape.created === undefined ? T0 - 120_000 : shape.created;
  return {
    metadata: {
      name,
      namespace: 'default',
      uid: shape.uid ?? `uid-${name}`,
      labels: shape.labels ?? { app: 'redis', role: 'slave', tier: 'backend' },
      ...(created === null ? {} : { creationTimestamp: metaTime(created) }),
      ...(shape.cost !== undefined ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': shape.cost } } : {}),
      ...(shape.deleting ? { deletionTimestamp: metaTime(T0) } : {}),
      ...(shape.orphan ? {} : { ownerReferences: [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'redis-slave', uid: 'rc-uid', controller: true, blockOwnerDeletion: true }] }),
    },
    spec: { containers: [{ name: 'slave', image: 'x' }], ...(shape.node ? { nodeName: shape.node } : {}) },
    status: {
      phase,
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: metaTime(shape.readySince ?? T0 - 60_000) }],
      containerStatuses: [{ name: 'slave', image: 'x', imageID: '', ready, restartCount: shape.restarts ?? 0 }],
    },
  };
}

export const names = (pods: readonly Pod[]) => pods.map((p) => p.metadata?.name);
