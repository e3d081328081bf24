// A node's heartbeat Lease, as upstream pkg/kubelet/nodelease/controller.go
// (newLease): in kube-node-lease, named as the node, held by it, owned by its
// Node so that deleting the Node takes the Lease with it.
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node } from 'kubernetes-types/core/v1.js';
import { microTime } from '../client/index.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

export function nodeLease(node: Node, leaseDurationSeconds: number, now: number, previous?: Lease): Lease {
  const name = node.metadata?.name ?? '';
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      ...(previous?.metadata ?? {}),
      name,
      namespace: NODE_LEASE_NAMESPACE,
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata?.uid ?? '' }],
    },
    spec: { ...(previous?.spec ?? {}), holderIdentity: name, leaseDurationSeconds, renewTime: microTime(now) },
  };
}
