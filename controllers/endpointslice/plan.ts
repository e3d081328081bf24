// The EndpointSlices of a Service (upstream pkg/controller/endpointslice and
// staging/src/k8s.io/endpointslice reconciler.go, for IPv4 pods): every pod
// the Service's selector matches that has an IP and has not finished,
// terminating ones too, as an endpoint with its address, its conditions
// (ready, serving, terminating), its hostname when its subdomain is the
// Service, its node, zone and Pod. Endpoints are grouped by the ports they
// resolve the Service's ports to; each group fills slices of at most
// `maxEndpointsPerSlice` (upstream --max-endpoints-per-slice, 100). A Service
// whose selector matches nothing keeps one placeholder slice without ports or
// endpoints, as upstream. Pure: the Service, its pods and its slices in, the
// change out.
//
// Unlike upstream, which keeps endpoints in the slice they are in and fills
// slices by a cost heuristic, a group's endpoints are sorted by address and
// cut into slices in order, and slices are paired with the group's existing
// ones by name: level-triggered, the same answer for the same state.
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import type { Endpoint, EndpointPort, EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { LabelSelector } from '../../proto/index.js';
import { desiredLabels, isReady, podInEndpoints, publishesHostname, targetPortOf } from '../endpoints/plan.js';
import type { CreateAction, DeleteAction, PatchAction, Plan } from '../runtime/plan.js';

/** upstream discovery.LabelServiceName and LabelManagedBy, and the controller's name there. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
/** upstream --max-endpoints-per-slice default. */
export const MAX_ENDPOINTS_PER_SLICE = 100;
const ZONE_LABEL = 'topology.kubernetes.io/zone';

export interface EndpointSliceInput {
  readonly service: Service | undefined;
  /** The Service's selector, parsed (undefined: none, its slices are someone else's). */
  readonly selector: LabelSelector | undefined;
  /** The pods of the Service's namespace. */
  readonly pods: readonly Pod[];
  /** The zone of a node (its topology.kubernetes.io/zone label), if it has one. */
  readonly zoneOf: (nodeName: string) => string | undefined;
  /** The slices this controller manages for the Service (its labels name both). */
  readonly slices: readonly EndpointSlice[];
  readonly maxEndpointsPerSlice?: number;
}

/** upstream's zone lookup for a node's label. */
export const nodeZone = (labels: Record<string, string> | undefined): string | undefined => labels?.[ZONE_LABEL] || undefined;

/** upstream getEndpointPorts: the Service's ports this pod resolves; a port it cannot resolve is left out. */
function endpointPorts(service: Service, pod: Pod): EndpointPort[] {
  return (service.spec?.ports ?? []).flatMap((port) => {
    const number = targetPortOf(pod, port);
    if (number === undefined) return [];
    return [{ name: port.name ?? '', protocol: port.protocol ?? 'TCP', port: number, ...(port.appProtocol ? { appProtocol: port.appProtocol } : {}) }];
  });
}

/** upstream podToEndpoint: ready only when serving and not terminating, unless the Service publishes not-ready addresses. */
function endpointOf(pod: Pod, service: Service, zoneOf: (nodeName: string) => string | undefined): Endpoint {
  const serving = isReady(pod);
  const terminating = !!pod.metadata?.deletionTimestamp;
  const ready = service.spec?.publishNotReadyAddresses === true || (serving && !terminating);
  const nodeName = pod.spec?.nodeName;
  const zone = nodeName ? zoneOf(nodeName) : undefined;
  return {
    addresses: [pod.status!.podIP!],
    conditions: { ready, serving, terminating },
    ...(publishesHostname(pod, service) ? { hostname: pod.spec!.hostname } : {}),
    targetRef: { kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid },
    ...(nodeName ? { nodeName } : {}),
    ...(zone ? { zone } : {}),
  };
}

interface PortGroup {
  readonly ports: EndpointPort[];
  readonly endpoints: Endpoint[];
}

const portKey = (ports: readonly EndpointPort[]) => canonical(ports);
const byAddress = (a: Endpoint, b: Endpoint) => {
  const [x, y] = [a.addresses[0] ?? '', b.addresses[0] ?? ''];
  return x < y ? -1 : x > y ? 1 : (a.targetRef?.name ?? '') < (b.targetRef?.name ?? '') ? -1 : 1;
};

/** The endpoints of a Service, by the ports they resolve to (upstream's endpointMeta by port map), each sorted by address. */
export function desiredPortGroups(service: Service, selector: LabelSelector, pods: readonly Pod[], zoneOf: (nodeName: string) => string | undefined): PortGroup[] {
  const groups = new Map<string, PortGroup>();
  for (const pod of pods) {
    // upstream: the EndpointSlice controller keeps terminating pods, with terminating: true.
    if (!selector.matches(pod.metadata?.labels ?? {}) || !podInEndpoints(pod, true)) continue;
    const ports = endpointPorts(service, pod);
    const key = portKey(ports);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { ports, endpoints: [] }));
    group.endpoints.push(endpointOf(pod, service, zoneOf));
  }
  for (const group of groups.values()) group.endpoints.sort(byAddress);
  return [...groups.values()];
}

/** upstream setEndpointSliceLabels: the Service's labels, the headless marker, the service name and the manager. */
export function sliceLabels(service: Service): Record<string, string> {
  const labels = desiredLabels(service);
  return { ...labels, [SERVICE_NAME_LABEL]: service.metadata?.name ?? '', [MANAGED_BY_LABEL]: CONTROLLER_NAME };
}

/** upstream newEndpointSlice: generateName `<service>-`, the Service as controller owner, IPv4. */
function newSlice(service: Service, ports: EndpointPort[], endpoints: Endpoint[]): EndpointSlice {
  const name = service.metadata?.name ?? '';
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: `${name}-`,
      namespace: service.metadata?.namespace,
      labels: sliceLabels(service),
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name, uid: service.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
    addressType: 'IPv4',
    endpoints,
    ports,
  };
}

/** JSON with object keys sorted: equality that does not depend on the order the server keeps fields in. */
function canonical(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const byName = (a: EndpointSlice, b: EndpointSlice) => ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1);

/** A slice made to hold `endpoints` with `ports`: nothing when it already does, a patch otherwise. */
function patchToFill(slice: EndpointSlice, service: Service, ports: EndpointPort[], endpoints: Endpoint[]): PatchAction | undefined {
  const labels = sliceLabels(service);
  const current = slice.metadata?.labels ?? {};
  if (canonical(slice.ports ?? []) === canonical(ports) && canonical(slice.endpoints ?? []) === canonical(endpoints) && canonical(current) === canonical(labels)) return undefined;
  // A merge patch replaces the lists whole; labels no longer wanted are nulled.
  const labelPatch: Record<string, string | null> = { ...labels };
  for (const key of Object.keys(current)) if (!(key in labels)) labelPatch[key] = null;
  return {
    kind: 'EndpointSlice',
    namespace: slice.metadata?.namespace,
    name: slice.metadata?.name ?? '',
    patchType: 'merge',
    patch: { metadata: { labels: labelPatch, resourceVersion: slice.metadata?.resourceVersion }, ports, endpoints },
    reason: 'endpoints changed',
  };
}

export function planEndpointSlices(input: EndpointSliceInput): Plan {
  const { service, selector, slices } = input;
  const plan = { events: [], creates: [] as CreateAction[], patches: [] as PatchAction[], deletes: [] as DeleteAction[] };
  // upstream: a deleted Service's slices go with it through the garbage collector (they are its dependents);
  // a Service without a selector has slices kept by someone else.
  if (!service || !selector) return plan;
  const max = input.maxEndpointsPerSlice ?? MAX_ENDPOINTS_PER_SLICE;
  const groups = desiredPortGroups(service, selector, input.pods, input.zoneOf);
  // upstream: with no endpoints at all, one placeholder slice without ports stands for the Service.
  if (groups.length === 0) groups.push({ ports: [], endpoints: [] });
  const existing = new Map<string, EndpointSlice[]>();
  for (const slice of [...slices].sort(byName)) {
    const key = portKey(slice.ports ?? []);
    existing.set(key, [...(existing.get(key) ?? []), slice]);
  }
  for (const group of groups) {
    const own = existing.get(portKey(group.ports)) ?? [];
    existing.delete(portKey(group.ports));
    const wanted = group.endpoints.length === 0 ? [[]] : chunks(group.endpoints, max);
    wanted.forEach((endpoints, i) => {
      const slice = own[i];
      if (!slice) {
        plan.creates.push({ kind: 'EndpointSlice', namespace: service.metadata?.namespace, object: { ...newSlice(service, group.ports, endpoints) }, reason: 'new endpoints' });
        return;
      }
      const patch = patchToFill(slice, service, group.ports, endpoints);
      if (patch) plan.patches.push(patch);
    });
    for (const extra of own.slice(wanted.length)) plan.deletes.push(deleteSlice(extra, 'fewer endpoints'));
  }
  for (const stale of [...existing.values()].flat()) plan.deletes.push(deleteSlice(stale, 'ports no endpoint resolves to'));
  return plan;
}

function deleteSlice(slice: EndpointSlice, reason: string): DeleteAction {
  return { kind: 'EndpointSlice', namespace: slice.metadata?.namespace, name: slice.metadata?.name ?? '', preconditions: { uid: slice.metadata?.uid }, reason };
}
