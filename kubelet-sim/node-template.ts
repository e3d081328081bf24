// The Node object a kubelet registers and the status it reports, as upstream
// pkg/kubelet/kubelet_node_status.go initialNode and the setters of
// pkg/kubelet/nodestatus/setters.go write them. Pure: no I/O, no clock.
import type { Node, NodeCondition, NodeStatus } from 'kubernetes-types/core/v1.js';
import { machineDefaults, type SimulatedNode } from './options.js';
import { stableHex, stableUUID } from './machine-identity.js';

/** RFC 3339 in whole seconds, as metav1.Time is written. */
export function apiTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** as upstream kubelet_node_status.go initialNode + updateDefaultLabels: the labels every kubelet sets. */
export function defaultNodeLabels(name: string): Record<string, string> {
  return {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
  };
}

/** A kind-like node address: 172.18.0.2 for the first node, one up for each next. */
export function nodeInternalIP(cidrIndex: number): string {
  const host = cidrIndex + 2;
  return `172.18.${Math.floor(host / 256) % 256}.${host % 256}`;
}

// as upstream nodestatus.MemoryPressureCondition, DiskPressureCondition, PIDPressureCondition, ReadyCondition.
const HEALTHY_CONDITIONS: readonly Pick<NodeCondition, 'type' | 'status' | 'reason' | 'message'>[] = [
  { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
  { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
  { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
  { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
];

/** The reasons whose transition upstream announces with an event (`Node x status is now: <reason>`). */
export const NODE_STATUS_EVENT_REASONS = ['NodeHasSufficientMemory', 'NodeHasNoDiskPressure', 'NodeHasSufficientPID', 'NodeReady'] as const;

/**
 * The conditions to report at `now`: heartbeat time always `now`; transition
 * time kept from `previous` while the status stays the same (as the setters do).
 */
export function nodeConditions(previous: readonly NodeCondition[] | undefined, now: number): NodeCondition[] {
  return HEALTHY_CONDITIONS.map((condition) => {
    const before = previous?.find((c) => c.type === condition.type);
    const transition = before && before.status === condition.status && before.lastTransitionTime ? before.lastTransitionTime : apiTime(now);
    return { ...condition, lastHeartbeatTime: apiTime(now), lastTransitionTime: transition };
  });
}

/** Everything of status but conditions: what a node reports of itself (setters NodeAddress, MachineInfo, VersionInfo, DaemonEndpoints). */
export function nodeStatusBody(name: string, internalIP: string, kubeletPort: number): Omit<NodeStatus, 'conditions'> {
  const m = machineDefaults;
  const resources = (memory: string, storage: string) => ({
    cpu: m.cpu,
    'ephemeral-storage': storage,
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
    memory,
    pods: m.maxPods,
  });
  return {
    addresses: [
      { type: 'InternalIP', address: internalIP },
      { type: 'Hostname', address: name },
    ],
    allocatable: resources(m.allocatableMemory, m.allocatableEphemeralStorage),
    capacity: resources(m.memory, m.ephemeralStorage),
    // The port of this process's kubelet server (kubelet-server.ts), which the API server proxies logs and exec to.
    daemonEndpoints: { kubeletEndpoint: { Port: kubeletPort } },
    nodeInfo: {
      architecture: 'amd64',
      bootID: stableUUID('boot', name),
      containerRuntimeVersion: m.containerRuntimeVersion,
      kernelVersion: m.kernelVersion,
      kubeProxyVersion: '',
      kubeletVersion: m.kubeletVersion,
      machineID: stableHex(32, 'machine', name),
      operatingSystem: 'linux',
      osImage: m.osImage,
      systemUUID: stableUUID('system', name),
    },
    // as a v1.32 containerd node reports its runtime handlers (KEP-3857, KEP-127;
    // kubernetes-types 1.30 lacks userNamespaces, hence the cast).
    runtimeHandlers: [
      { name: 'runc', features: { recursiveReadOnlyMounts: true, userNamespaces: true } },
      { name: '', features: { recursiveReadOnlyMounts: true, userNamespaces: true } },
    ],
  } as unknown as Omit<NodeStatus, 'conditions'>;
}

/** The Node a kubelet creates at registration (upstream initialNode), Ready from the start. */
export function initialNode(node: SimulatedNode, podCIDR: string, internalIP: string, now: number, kubeletPort: number): Node {
  const taints = (node.taints ?? []).map((t) => ({ key: t.key, ...(t.value ? { value: t.value } : {}), effect: t.effect }));
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: node.name,
      labels: { ...defaultNodeLabels(node.name), ...node.labels },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: { podCIDR, podCIDRs: [podCIDR], ...(taints.length > 0 ? { taints } : {}) },
    status: { ...nodeStatusBody(node.name, internalIP, kubeletPort), conditions: nodeConditions(undefined, now) },
  };
}
