// Objects for the node lifecycle and taint eviction tables, and waiting in the cluster tests.
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node, NodeCondition, Pod, Taint, Toleration } from 'kubernetes-types/core/v1.js';

export const T0 = Date.parse('2025-01-01T00:00:00Z');
export const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export interface NodeShape {
  ready?: 'True' | 'False' | 'Unknown';
  heartbeat?: number;
  transition?: number;
  conditions?: NodeCondition[];
  taints?: Taint[];
  unschedulable?: boolean;
  labels?: Record<string, string>;
  created?: number;
}

export function node(name: string, shape: NodeShape = {}): Node {
  const conditions: NodeCondition[] = [...(shape.conditions ?? [])];
  if (shape.ready) {
    conditions.unshift({
      type: 'Ready',
      status: shape.ready,
      reason: shape.ready === 'True' ? 'KubeletReady' : 'KubeletNotReady',
      message: shape.ready === 'True' ? 'kubelet is posting ready status' : 'not ready',
      lastHeartbeatTime: iso(shape.heartbeat ?? T0),
      lastTransitionTime: iso(shape.transition ?? T0),
    });
  }
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `uid-${name}`, resourceVersion: '7', creationTimestamp: iso(shape.created ?? T0), labels: shape.labels },
    spec: { taints: shape.taints, unschedulable: shape.unschedulable },
    status: { conditions },
  };
}

export function lease(name: string, renewMs: number): Lease {
  return { metadata: { name, namespace: 'kube-node-lease' }, spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: new Date(renewMs).toISOString().replace('Z', '000Z') } };
}

export interface PodShape {
  tolerations?: Toleration[];
  ready?: 'True' | 'False';
  deleting?: boolean;
}

export function pod(name: string, nodeName: string, shape: PodShape = {}): Pod {
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, ...(shape.deleting ? { deletionTimestamp: iso(T0) } : {}) },
    spec: { nodeName, containers: [{ name: 'c', image: 'nginx' }], tolerations: shape.tolerations },
    status: { phase: 'Running', conditions: shape.ready ? [{ type: 'Ready', status: shape.ready, lastTransitionTime: iso(T0) }] : [] },
  };
}

/** The tolerations the API server gives every pod (DefaultTolerationSeconds). */
export const defaultTolerations: Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
];

/** What upstream's DaemonSet controller adds to its pods: the same, for ever. */
export const daemonTolerations: Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
];
