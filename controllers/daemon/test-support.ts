// DaemonSets, nodes and daemon pods for the decision tables: the 3-node lab
// (node-1 the control plane, tainted NoSchedule) and pods in the states a
// rolling update meets.
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { Node, Pod, Taint } from 'kubernetes-types/core/v1.js';
import { iso, T0 } from '../test-support.js';
import { pinnedToNode } from './placement.js';
import { REVISION_HASH_LABEL, TEMPLATE_GENERATION_ANNOTATION, TEMPLATE_GENERATION_LABEL } from './pods.js';
import { podsByTargetNode, type DaemonSetState } from './state.js';

export { T0 };

export const CONTROL_PLANE_TAINT: Taint = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };

export function labNode(name: string, labels: Record<string, string> = {}, taints: Taint[] = []): Node {
  return { metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } }, spec: { taints } };
}

export const lab = (): Node[] => [labNode('node-1', { 'node-role.kubernetes.io/control-plane': '' }, [CONTROL_PLANE_TAINT]), labNode('node-2'), labNode('node-3')];

export interface DaemonSetShape {
  tolerateControlPlane?: boolean;
  maxUnavailable?: number | string;
  maxSurge?: number | string;
  onDelete?: boolean;
  minReadySeconds?: number;
  generation?: number;
  nodeSelector?: Record<string, string>;
}

export function daemonSet(shape: DaemonSetShape = {}): DaemonSet {
  return {
    metadata: { name: 'fluentd', namespace: 'kube-system', uid: 'ds-uid', generation: shape.generation ?? 1, annotations: { [TEMPLATE_GENERATION_ANNOTATION]: String(shape.generation ?? 1) } },
    spec: {
      selector: { matchLabels: { name: 'fluentd' } },
      minReadySeconds: shape.minReadySeconds,
      updateStrategy: shape.onDelete ? { type: 'OnDelete' } : { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: shape.maxUnavailable ?? 1, maxSurge: shape.maxSurge ?? 0 } },
      template: {
        metadata: { labels: { name: 'fluentd' } },
        spec: {
          containers: [{ name: 'fluentd', image: 'fluentd:v2' }],
          nodeSelector: shape.nodeSelector,
          tolerations: shape.tolerateControlPlane ? [{ key: CONTROL_PLANE_TAINT.key, operator: 'Exists', effect: 'NoSchedule' }] : undefined,
        },
      },
    },
  };
}

export interface PodShape {
  /** 'new' carries the current hash `h2`; 'old' hash `h1` and generation 0. */
  version?: 'new' | 'old';
  ready?: boolean;
  /** When it went Ready (default T0 - 60 s). */
  readySince?: number;
  phase?: 'Pending' | 'Running' | 'Failed' | 'Succeeded';
  deleting?: boolean;
  bound?: boolean;
  created?: number;
}

export function daemonPod(name: string, nodeName: string, shape: PodShape = {}): Pod {
  const isNew = shape.version !== 'old';
  const ready = shape.ready ?? true;
  return {
    metadata: {
      name,
      namespace: 'kube-system',
      uid: `uid-${name}`,
      creationTimestamp: iso(shape.created ?? T0 - 120_000),
      labels: { name: 'fluentd', [REVISION_HASH_LABEL]: isNew ? 'h2' : 'h1', [TEMPLATE_GENERATION_LABEL]: isNew ? '1' : '0' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'fluentd', uid: 'ds-uid', controller: true }],
      ...(shape.deleting ? { deletionTimestamp: iso(T0) } : {}),
    },
    spec: { containers: [{ name: 'fluentd', image: 'x' }], affinity: pinnedToNode(undefined, nodeName), ...(shape.bound === false ? {} : { nodeName }) },
    status: {
      phase: shape.phase ?? (ready ? 'Running' : 'Pending'),
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: iso(shape.readySince ?? T0 - 60_000) }],
    },
  };
}

export function stateOf(ds: DaemonSet, pods: Pod[], nodes: Node[] = lab(), now = T0): DaemonSetState {
  return { ds, nodes, podsByNode: podsByTargetNode(pods), hash: 'h2', now, backoff: new Map() };
}

export const names = (pods: readonly Pod[]) => pods.map((p) => p.metadata?.name).sort();
