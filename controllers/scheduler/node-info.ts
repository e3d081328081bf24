// What the scheduler knows of each node (upstream framework.NodeInfo): the
// Node, and the requests, host ports and count of the pods on it, kept up to
// date pod by pod from the informers and from the scheduler's own assumed
// bindings, never recomputed per decision.
import type { Container, Node, Pod } from 'kubernetes-types/core/v1.js';
import { milliValue, wholeValue } from './quantity.js';

/** Upstream's defaults for a container without requests, used only for scoring (GetNonzeroRequests). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export interface Requests {
  readonly milliCpu: number;
  readonly memory: number;
}

/** One pod's share of a node. */
export interface PodUsage {
  readonly requests: Requests;
  /** With upstream's defaults for containers that ask for nothing, for scores. */
  readonly nonZero: Requests;
  /** `protocol/hostIP/hostPort` of each host port. */
  readonly hostPorts: readonly string[];
}

export interface NodeInfo {
  readonly name: string;
  node: Node;
  allocatable: Requests & { readonly pods: number };
  requested: { milliCpu: number; memory: number };
  nonZeroRequested: { milliCpu: number; memory: number };
  pods: number;
  /** Host ports in use, with how many pods use each. */
  readonly hostPorts: Map<string, number>;
}

function containerRequests(container: Container, nonZero: boolean): Requests {
  const requests = container.resources?.requests ?? {};
  const cpu = requests.cpu === undefined ? (nonZero ? DEFAULT_MILLI_CPU_REQUEST : 0) : milliValue(requests.cpu);
  const memory = requests.memory === undefined ? (nonZero ? DEFAULT_MEMORY_REQUEST : 0) : wholeValue(requests.memory);
  return { milliCpu: cpu, memory };
}

/**
 * upstream computePodResourceRequest: the containers' requests summed, at
 * least the largest init container's (sidecars, init containers with
 * restartPolicy Always, run beside the rest and add up), plus the overhead.
 */
function podRequestsOf(pod: Pod, nonZero: boolean): Requests {
  const spec = pod.spec;
  let cpu = 0;
  let memory = 0;
  for (const container of spec?.containers ?? []) {
    const r = containerRequests(container, nonZero);
    cpu += r.milliCpu;
    memory += r.memory;
  }
  let sidecarCpu = 0;
  let sidecarMemory = 0;
  let initCpu = 0;
  let initMemory = 0;
  for (const container of spec?.initContainers ?? []) {
    const r = containerRequests(container, false);
    if (container.restartPolicy === 'Always') {
      sidecarCpu += r.milliCpu;
      sidecarMemory += r.memory;
    }
    // An init container runs with the sidecars started before it.
    initCpu = Math.max(initCpu, sidecarCpu + (container.restartPolicy === 'Always' ? 0 : r.milliCpu));
    initMemory = Math.max(initMemory, sidecarMemory + (container.restartPolicy === 'Always' ? 0 : r.memory));
  }
  cpu = Math.max(cpu + sidecarCpu, initCpu);
  memory = Math.max(memory + sidecarMemory, initMemory);
  const overhead = spec?.overhead ?? {};
  return { milliCpu: cpu + milliValue(overhead.cpu), memory: memory + wholeValue(overhead.memory) };
}

export function hostPortsOf(pod: Pod): string[] {
  const ports: string[] = [];
  for (const container of pod.spec?.containers ?? []) {
    for (const port of container.ports ?? []) {
      if (!port.hostPort) continue;
      ports.push(`${port.protocol ?? 'TCP'}/${port.hostIP || '0.0.0.0'}/${port.hostPort}`);
    }
  }
  return ports;
}

export function podUsage(pod: Pod): PodUsage {
  return { requests: podRequestsOf(pod, false), nonZero: podRequestsOf(pod, true), hostPorts: hostPortsOf(pod) };
}

export function newNodeInfo(node: Node): NodeInfo {
  const info: NodeInfo = {
    name: node.metadata?.name ?? '',
    node,
    allocatable: { milliCpu: 0, memory: 0, pods: 0 },
    requested: { milliCpu: 0, memory: 0 },
    nonZeroRequested: { milliCpu: 0, memory: 0 },
    pods: 0,
    hostPorts: new Map(),
  };
  setNode(info, node);
  return info;
}

export function setNode(info: NodeInfo, node: Node): void {
  info.node = node;
  const allocatable = node.status?.allocatable ?? {};
  info.allocatable = { milliCpu: milliValue(allocatable.cpu), memory: wholeValue(allocatable.memory), pods: wholeValue(allocatable.pods) };
}

/** Adds (sign 1) or removes (sign -1) a pod's usage. */
export function addUsage(info: NodeInfo, usage: PodUsage, sign: 1 | -1): void {
  info.requested.milliCpu += sign * usage.requests.milliCpu;
  info.requested.memory += sign * usage.requests.memory;
  info.nonZeroRequested.milliCpu += sign * usage.nonZero.milliCpu;
  info.nonZeroRequested.memory += sign * usage.nonZero.memory;
  info.pods += sign;
  for (const port of usage.hostPorts) {
    const count = (info.hostPorts.get(port) ?? 0) + sign;
    if (count > 0) info.hostPorts.set(port, count);
    else info.hostPorts.delete(port);
  }
}
