// The Endpoints of a Service (upstream pkg/controller/endpoint
// endpoints_controller.go syncService, with endpoints.RepackSubsets and
// podutil's ShouldPodBeInEndpoints): every pod the Service's selector
// matches that has an IP, Ready ones as addresses and the others as
// notReadyAddresses (all as addresses with publishNotReadyAddresses); each
// with its node, its Pod, and for a pod whose subdomain is the Service's
// name, its hostname. Ports from the Service's, a named targetPort looked up
// in each pod's containers. Pure: the Service, its pods and the current
// Endpoints in, the change out.
import type { Endpoints, EndpointAddress, EndpointPort, EndpointSubset, Pod, Service, ServicePort } from 'kubernetes-types/core/v1.js';
import type { LabelSelector } from '../../proto/index.js';
import type { CreateAction, DeleteAction, PatchAction, Plan } from '../runtime/plan.js';

export interface EndpointsInput {
  readonly service: Service | undefined;
  /** The Service's selector, parsed (undefined: none, the Endpoints are someone else's). */
  readonly selector: LabelSelector | undefined;
  /** The pods of the Service's namespace. */
  readonly pods: readonly Pod[];
  readonly current: Endpoints | undefined;
  /** The namespace/name the key names, for a Service already gone. */
  readonly namespace: string;
  readonly name: string;
}

const HEADLESS_LABEL = 'service.kubernetes.io/headless';

/**
 * upstream ShouldPodBeInEndpoints: an IP, not finished, and not being deleted
 * unless terminating pods are included (the endpoints controller includes them
 * for publishNotReadyAddresses, the EndpointSlice controller always).
 */
export function podInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  if (!pod.status?.podIP) return false;
  const phase = pod.status.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  return !pod.metadata?.deletionTimestamp || includeTerminating;
}

export const isReady = (pod: Pod) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/** upstream podutil.FindPort: a number as is; a name looked up in the pod's container ports (protocol too). */
export function targetPortOf(pod: Pod, port: ServicePort): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  for (const container of pod.spec?.containers ?? []) {
    for (const p of container.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === (port.protocol ?? 'TCP')) return p.containerPort;
  }
  return undefined;
}

/** upstream ShouldSetHostname: a pod publishes its hostname under the Service that is its subdomain. */
export const publishesHostname = (pod: Pod, service: Service): boolean => !!pod.spec?.hostname && pod.spec.subdomain === service.metadata?.name;

function addressOf(pod: Pod, service: Service): EndpointAddress {
  const address: EndpointAddress = {
    ip: pod.status!.podIP!,
    ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    targetRef: { kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid },
  };
  if (publishesHostname(pod, service)) return { ...address, hostname: pod.spec!.hostname };
  return address;
}

const byIp = (a: EndpointAddress, b: EndpointAddress) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : (a.targetRef?.name ?? '') < (b.targetRef?.name ?? '') ? -1 : 1);

/** The subsets for a Service: pods grouped by the ports they resolve to (upstream RepackSubsets), addresses sorted by IP. */
export function desiredSubsets(service: Service, selector: LabelSelector, pods: readonly Pod[]): EndpointSubset[] {
  const publishNotReady = service.spec?.publishNotReadyAddresses === true;
  const groups = new Map<string, { ports: EndpointPort[]; addresses: EndpointAddress[]; notReady: EndpointAddress[] }>();
  for (const pod of pods) {
    if (!selector.matches(pod.metadata?.labels ?? {}) || !podInEndpoints(pod, publishNotReady)) continue;
    const ports: EndpointPort[] = [];
    for (const port of service.spec?.ports ?? []) {
      const number = targetPortOf(pod, port);
      if (number === undefined) continue;
      ports.push({ ...(port.name ? { name: port.name } : {}), port: number, protocol: port.protocol ?? 'TCP', ...(port.appProtocol ? { appProtocol: port.appProtocol } : {}) });
    }
    // upstream: a Service without ports (headless) still lists its pods, with no ports.
    if (ports.length === 0 && (service.spec?.ports ?? []).length > 0) continue;
    const key = JSON.stringify(ports);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { ports, addresses: [], notReady: [] }));
    (isReady(pod) || publishNotReady ? group.addresses : group.notReady).push(addressOf(pod, service));
  }
  return [...groups.values()].map((g) => ({
    ...(g.addresses.length > 0 ? { addresses: g.addresses.sort(byIp) } : {}),
    ...(g.notReady.length > 0 ? { notReadyAddresses: g.notReady.sort(byIp) } : {}),
    ...(g.ports.length > 0 ? { ports: g.ports } : {}),
  }));
}

/** Labels of the Endpoints: the Service's, plus upstream's headless marker. */
export function desiredLabels(service: Service): Record<string, string> {
  const labels = { ...service.metadata?.labels };
  if (service.spec?.clusterIP === 'None') labels[HEADLESS_LABEL] = '';
  else delete labels[HEADLESS_LABEL];
  return labels;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export function planEndpoints(input: EndpointsInput): Plan {
  const { service, selector, current, namespace, name } = input;
  const empty: Plan = { events: [], patches: [], deletes: [] };
  if (!service) {
    // upstream: the Endpoints of a deleted Service go with it.
    if (!current) return empty;
    const remove: DeleteAction = { kind: 'Endpoints', namespace, name, reason: 'its Service is gone' };
    return { ...empty, deletes: [remove] };
  }
  // A Service without a selector has Endpoints kept by hand (or by the API server, for `kubernetes`).
  if (!selector) return empty;
  const subsets = desiredSubsets(service, selector, input.pods);
  const labels = desiredLabels(service);
  if (!current) {
    const create: CreateAction = { kind: 'Endpoints', namespace, object: { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace, labels }, subsets }, reason: 'new Service' };
    return { ...empty, creates: [create] };
  }
  if (same(current.subsets ?? [], subsets) && same(current.metadata?.labels ?? {}, labels)) return empty;
  // A merge patch replaces the lists whole; labels no longer wanted are nulled.
  const labelPatch: Record<string, string | null> = { ...labels };
  for (const key of Object.keys(current.metadata?.labels ?? {})) if (!(key in labels)) labelPatch[key] = null;
  const patch: PatchAction = {
    kind: 'Endpoints',
    namespace,
    name,
    patchType: 'merge',
    patch: { metadata: { labels: labelPatch, resourceVersion: current.metadata?.resourceVersion }, subsets },
    reason: 'pods changed',
  };
  return { ...empty, patches: [patch] };
}
