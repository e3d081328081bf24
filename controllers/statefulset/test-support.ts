// Fixtures for the StatefulSet decision tests: S6's set `web` and its pods.
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.js';
import { metaTime } from '../runtime/time.js';
import { newStatefulSetPod } from './identity.js';
import type { StatefulSetAction, StatefulSetState } from './plan.js';

export const T0 = Date.parse('2026-01-01T00:00:00Z');

export interface SetOptions {
  readonly replicas?: number;
  readonly parallel?: boolean;
  readonly partition?: number;
  readonly onDelete?: boolean;
  readonly minReadySeconds?: number;
  readonly claims?: boolean;
  readonly whenDeleted?: 'Retain' | 'Delete';
  readonly whenScaled?: 'Retain' | 'Delete';
  readonly image?: string;
}

export function statefulSet(o: SetOptions = {}): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default', uid: 'set-uid', generation: 1 },
    spec: {
      replicas: o.replicas ?? 3,
      serviceName: 'nginx',
      selector: { matchLabels: { app: 'nginx' } },
      podManagementPolicy: o.parallel ? 'Parallel' : 'OrderedReady',
      minReadySeconds: o.minReadySeconds ?? 0,
      updateStrategy: o.onDelete ? { type: 'OnDelete' } : { type: 'RollingUpdate', rollingUpdate: { partition: o.partition ?? 0 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: o.whenDeleted ?? 'Retain', whenScaled: o.whenScaled ?? 'Retain' },
      template: { metadata: { labels: { app: 'nginx', role: 'stateful' } }, spec: { containers: [{ name: 'nginx', image: o.image ?? 'nginx:1.27' }] } },
      ...(o.claims
        ? { volumeClaimTemplates: [{ metadata: { name: 'www', labels: { tier: 'web' } }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }] }
        : {}),
    },
  };
}

export interface PodOptions {
  readonly phase?: 'Pending' | 'Running' | 'Failed' | 'Succeeded';
  readonly ready?: boolean;
  readonly deleting?: boolean;
  readonly revision?: string;
  /** When it became Ready. */
  readonly readySince?: number;
}

export function setPod(set: StatefulSet, ordinal: number, o: PodOptions = {}): Pod {
  const pod = newStatefulSetPod(set, ordinal, o.revision ?? 'web-rev1');
  const phase = o.phase ?? 'Running';
  const ready = o.ready ?? phase === 'Running';
  return {
    ...pod,
    metadata: { ...pod.metadata, uid: `uid-${ordinal}`, creationTimestamp: metaTime(T0), ...(o.deleting ? { deletionTimestamp: metaTime(T0) } : {}) },
    status: { phase, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: metaTime(o.readySince ?? T0 - 60_000) }] },
  };
}

export function stateOf(set: StatefulSet, pods: Pod[], more: Partial<StatefulSetState> = {}): StatefulSetState {
  return { set, currentSet: set, currentRevision: 'web-rev1', updateRevision: 'web-rev1', pods, claims: new Map<string, PersistentVolumeClaim>(), now: T0, ...more };
}

/** The plan's actions as short strings: `create web-1`, `delete web-2 (update)`, `claims`. */
export function describeActions(actions: readonly StatefulSetAction[]): string[] {
  return actions.map((a) => (a.type === 'claims' ? `claims ${a.patches.map((p) => p.name).join(',')}` : a.type === 'create' ? `create ${a.pod.metadata?.name}` : `delete ${a.pod.metadata?.name} (${a.why})`));
}
