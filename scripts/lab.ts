// What makes the lab the lab (SCENARIOS.md): its nodes, node-1 carrying the
// control-plane role and taint and the others workers, and the node monitor
// grace period, shorter than upstream's 50 s so a stopped kubelet shows
// NotReady within half a minute (S4).
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
