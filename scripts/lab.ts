// What makes the lab the lab (SCENARIOS.md): its nodes, node-1 carrying the
// control-plane role and taint and the others workers, and the node monitor
// grace period, shorter than upstream's 50 s so a stopped kubelet shows
// NotReady within half a minute (S4).
import { httpTransport, type Transport } from '../client/index.js';
import type { SimulatedNode } from '../kubelet-sim/index.js';

export const LAB_NODE_MONITOR_GRACE_SECONDS = 20;

const CONTROL_PLANE = 'node-role.kubernetes.io/control-plane';

/** node-1 .. node-N; node-1 is the control plane. */
export function labNodes(count: number): SimulatedNode[] {
  return Array.from({ length: count }, (_, i) =>
    i === 0 ? { name: 'node-1', labels: { [CONTROL_PLANE]: '' }, taints: [{ key: CONTROL_PLANE, effect: 'NoSchedule' }] } : { name: `node-${i + 1}` },
  );
}

/** The kubelet-sim flags of a node, as the real kubelet's (--node-labels, --register-with-taints). */
export function kubeletArgs(node: SimulatedNode): string[] {
  const labels = Object.entries(node.labels ?? {}).map(([k, v]) => `${k}=${v}`);
  const taints = (node.taints ?? []).map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`);
  return [
    '--node-name',
    node.name,
    ...(labels.length > 0 ? ['--node-labels', labels.join(',')] : []),
    ...(taints.length > 0 ? ['--register-with-taints', taints.join(',')] : []),
  ];
}

/**
 * The lab's StorageClass `standard`, of kubelab's simulated provisioner
 * (controllers/persistentvolume), as kind's `standard` of rancher.io/local-path.
 * Not the default class unless asked (`kubelab up --default-storage-class`):
 * a default class would take S6's class-less claims away from its hand-made
 * volumes.
 */
export function labStorageClass(isDefault: boolean): object {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'standard', ...(isDefault ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}) },
    provisioner: 'kubelab.dev/simulated',
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'Immediate',
  };
}

/** Creates the lab's StorageClass through the API at `url`; one that exists (a resumed cluster) is left as it is. */
export async function ensureLabStorageClass(url: string, isDefault: boolean, transport: Transport = httpTransport): Promise<void> {
  const answer = await transport(`${url}/apis/storage.k8s.io/v1/storageclasses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(labStorageClass(isDefault)),
  });
  if (!answer.ok && answer.status !== 409) throw new Error(`creating the StorageClass standard: ${answer.status} ${await answer.text()}`);
}
