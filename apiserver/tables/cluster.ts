// kubectl get nodes, namespaces, services, endpoints, persistentvolumes,
// persistentvolumeclaims, events, configmaps, leases (upstream printers.go
// printNode, printNamespace, printService, printEndpoints, printEndpointSlice,
// printPersistentVolume, printPersistentVolumeClaim, printEvent,
// printConfigMap, printLease).
import type { KubeObject, TableConvertor } from '../registry/strategy.js';
import { age, ageColumn, ageOf, column, formatLabels, nameColumn, nameOf } from './format.js';

interface NodeLike {
  spec?: { unschedulable?: boolean };
  status?: {
    conditions?: { type: string; status: string }[];
    addresses?: { type: string; address: string }[];
    nodeInfo?: { kubeletVersion?: string; osImage?: string; kernelVersion?: string; containerRuntimeVersion?: string };
  };
}

/** "Ready", "NotReady" or "Unknown", then ",SchedulingDisabled" for a cordoned node. */
export function nodeStatus(object: KubeObject): string {
  const node = object as NodeLike;
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  const status = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

/** node-role.kubernetes.io/<role> labels and kubernetes.io/role, as upstream findNodeRoles. */
export function nodeRoles(object: KubeObject): string {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(object.metadata?.labels ?? {})) {
    if (key.startsWith('node-role.kubernetes.io/')) {
      const role = key.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (key === 'kubernetes.io/role' && value) {
      roles.add(value);
    }
  }
  return roles.size === 0 ? '<none>' : [...roles].sort().join(',');
}

export const nodeTable: TableConvertor = {
  columns: [
    nameColumn,
    column('Status', 'string', 'The status of the node'),
    column('Roles', 'string', 'The roles of the node'),
    ageColumn,
    column('Version', 'string', 'Kubelet Version reported by the node.'),
    column('Internal-IP', 'string', 'List of addresses reachable to the node. Queried from cloud provider, if available.', 1),
    column('External-IP', 'string', 'List of addresses reachable to the node. Queried from cloud provider, if available.', 1),
    column('OS-Image', 'string', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', 1),
    column('Kernel-Version', 'string', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
    column('Container-Runtime', 'string', 'Container runtime version reported by the node through runtime remote API (e.g. containerd://1.4.2).', 1),
  ],
  cells(object, now) {
    const node = object as NodeLike;
    const address = (type: string) => node.status?.addresses?.find((a) => a.type === type)?.address ?? '<none>';
    const info = node.status?.nodeInfo ?? {};
    return [
      nameOf(object),
      nodeStatus(object),
      nodeRoles(object),
      ageOf(object, now),
      info.kubeletVersion ?? '',
      address('InternalIP'),
      address('ExternalIP'),
      info.osImage || '<unknown>',
      info.kernelVersion || '<unknown>',
      info.containerRuntimeVersion || '<unknown>',
    ];
  },
};

export const namespaceTable: TableConvertor = {
  columns: [nameColumn, column('Status', 'string', 'The status of the namespace'), ageColumn],
  cells: (object, now) => [nameOf(object), (object.status as { phase?: string } | undefined)?.phase ?? '', ageOf(object, now)],
};

interface ServiceLike {
  spec?: {
    type?: string;
    clusterIP?: string;
    externalIPs?: string[];
    externalName?: string;
    ports?: { port: number; nodePort?: number; protocol?: string }[];
    selector?: Record<string, string>;
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

function externalIP(service: ServiceLike): string {
  const spec = service.spec ?? {};
  const external = spec.externalIPs ?? [];
  switch (spec.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return external.length > 0 ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const ingress = (service.status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname || '');
      const all = [...ingress, ...external].filter((x) => x !== '');
      return all.length > 0 ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
    default:
      return '<unknown>';
  }
}

export const serviceTable: TableConvertor = {
  columns: [
    nameColumn,
    column('Type', 'string', 'type determines how the Service is exposed.'),
    column('Cluster-IP', 'string', 'clusterIP is the IP address of the service.'),
    column('External-IP', 'string', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
    column('Port(s)', 'string', 'The list of ports that are exposed by this service.'),
    ageColumn,
    column('Selector', 'string', 'Route service traffic to pods with label keys and values matching this selector.', 1),
  ],
  cells(object, now) {
    const service = object as ServiceLike;
    const spec = service.spec ?? {};
    const ports = (spec.ports ?? []).map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`));
    return [
      nameOf(object),
      spec.type ?? 'ClusterIP',
      spec.clusterIP || '<none>',
      externalIP(service),
      ports.length > 0 ? ports.join(',') : '<none>',
      ageOf(object, now),
      formatLabels(spec.selector),
    ];
  },
};

interface SubsetLike {
  addresses?: { ip: string }[];
  ports?: { port: number }[];
}

/** upstream formatEndpoints: at most three "ip:port", then " + N more...". */
function formatEndpoints(subsets: SubsetLike[] | undefined): string {
  const shown: string[] = [];
  let count = 0;
  for (const subset of subsets ?? []) {
    const ports = subset.ports?.length ? subset.ports : [undefined];
    for (const address of subset.addresses ?? []) {
      for (const port of ports) {
        count++;
        if (shown.length < 3) shown.push(port ? `${address.ip}:${port.port}` : address.ip);
      }
    }
  }
  if (count === 0) return '<none>';
  return shown.join(',') + (count > shown.length ? ` + ${count - shown.length} more...` : '');
}

export const endpointsTable: TableConvertor = {
  columns: [nameColumn, column('Endpoints', 'string', 'Endpoints of the service'), ageColumn],
  cells: (object, now) => [nameOf(object), formatEndpoints((object as { subsets?: SubsetLike[] }).subsets), ageOf(object, now)],
};

interface EndpointSliceLike {
  addressType?: string;
  ports?: { name?: string; port?: number }[];
  endpoints?: { addresses?: string[] }[];
}

/** upstream listWithMoreString: the first three, then "+ N more...", "<unset>" when empty. */
function firstThree(items: readonly string[]): string {
  if (items.length > 3) return `${items.slice(0, 3).join(',')} + ${items.length - 3} more...`;
  return items.length === 0 ? '<unset>' : items.join(',');
}

/** upstream printEndpointSlice: ports by number (else name, else "*"), the endpoints' addresses. */
export const endpointSliceTable: TableConvertor = {
  columns: [
    nameColumn,
    column('AddressType', 'string', 'addressType specifies the type of address carried by this EndpointSlice. All addresses in this slice must be the same type. This field is immutable after creation. The following address types are currently supported: * IPv4: Represents an IPv4 Address. * IPv6: Represents an IPv6 Address. * FQDN: Represents a Fully Qualified Domain Name.'),
    column('Ports', 'string', 'ports specifies the list of network ports exposed by each endpoint in this slice. Each port must have a unique name. When ports is empty, it indicates that there are no defined ports. When a port is defined with a nil port value, it indicates "all ports". Each slice may include a maximum of 100 ports.'),
    column('Endpoints', 'string', 'endpoints is a list of unique endpoints in this slice. Each slice may include a maximum of 1000 endpoints.'),
    ageColumn,
  ],
  cells(object, now) {
    const slice = object as EndpointSliceLike;
    const ports = (slice.ports ?? []).map((p) => (p.port !== undefined ? String(p.port) : p.name !== undefined ? p.name : '*'));
    const addresses = (slice.endpoints ?? []).flatMap((e) => e.addresses ?? []);
    return [nameOf(object), slice.addressType ?? '', firstThree(ports), firstThree(addresses), ageOf(object, now)];
  },
};

const ACCESS_MODES: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };
const accessModes = (modes: string[] | undefined): string => (modes ?? []).map((m) => ACCESS_MODES[m] ?? m).join(',');

interface VolumeLike {
  spec?: {
    capacity?: { storage?: string };
    accessModes?: string[];
    persistentVolumeReclaimPolicy?: string;
    claimRef?: { namespace?: string; name?: string };
    storageClassName?: string;
    volumeAttributesClassName?: string;
    volumeMode?: string;
    volumeName?: string;
  };
  status?: { phase?: string; reason?: string; capacity?: { storage?: string }; accessModes?: string[] };
}

export const persistentVolumeTable: TableConvertor = {
  columns: [
    nameColumn,
    column('Capacity', 'string', 'capacity is the description of the persistent volume\'s resources and capacity.'),
    column('Access Modes', 'string', 'accessModes contains all ways the volume can be mounted.'),
    column('Reclaim Policy', 'string', 'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.'),
    column('Status', 'string', 'phase indicates if a volume is available, bound to a claim, or released by a claim.'),
    column('Claim', 'string', 'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.'),
    column('StorageClass', 'string', 'storageClassName is the name of StorageClass to which this persistent volume belongs.'),
    column('VolumeAttributesClass', 'string', 'Name of VolumeAttributesClass to which this persistent volume belongs.'),
    column('Reason', 'string', 'reason is a brief CamelCase string that describes any failure.'),
    ageColumn,
    column('VolumeMode', 'string', 'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.', 1),
  ],
  cells(object, now) {
    const pv = object as VolumeLike;
    const spec = pv.spec ?? {};
    const claim = spec.claimRef ? `${spec.claimRef.namespace ?? ''}/${spec.claimRef.name ?? ''}` : '';
    return [
      nameOf(object),
      spec.capacity?.storage ?? '',
      accessModes(spec.accessModes),
      spec.persistentVolumeReclaimPolicy ?? '',
      pv.status?.phase ?? '',
      claim,
      spec.storageClassName ?? '',
      spec.volumeAttributesClassName || '<unset>',
      pv.status?.reason ?? '',
      ageOf(object, now),
      spec.volumeMode ?? '<unset>',
    ];
  },
};

export const persistentVolumeClaimTable: TableConvertor = {
  columns: [
    nameColumn,
    column('Status', 'string', 'phase represents the current phase of PersistentVolumeClaim.'),
    column('Volume', 'string', 'volumeName is the binding reference to the PersistentVolume backing this claim.'),
    column('Capacity', 'string', 'capacity represents the actual resources of the underlying volume.'),
    column('Access Modes', 'string', 'accessModes contains the actual access modes the volume backing the PVC has.'),
    column('StorageClass', 'string', 'storageClassName is the name of the StorageClass required by the claim.'),
    column('VolumeAttributesClass', 'string', 'volumeAttributesClassName may be used to set the VolumeAttributesClass used by this claim.'),
    ageColumn,
    column('VolumeMode', 'string', 'volumeMode defines what type of volume is required by the claim.', 1),
  ],
  cells(object, now) {
    const pvc = object as VolumeLike;
    const spec = pvc.spec ?? {};
    const bound = pvc.status?.phase === 'Bound';
    return [
      nameOf(object),
      pvc.status?.phase ?? '',
      spec.volumeName ?? '',
      bound ? (pvc.status?.capacity?.storage ?? '') : '',
      bound ? accessModes(pvc.status?.accessModes) : '',
      spec.storageClassName ?? '',
      spec.volumeAttributesClassName || '<unset>',
      ageOf(object, now),
      spec.volumeMode ?? '<unset>',
    ];
  },
};

interface EventLike {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  eventTime?: string | null;
  series?: { count?: number; lastObservedTime?: string };
  involvedObject?: { kind?: string; name?: string; fieldPath?: string };
  source?: { component?: string; host?: string };
  reportingComponent?: string;
  reportingInstance?: string;
}

function eventSource(e: EventLike): string {
  const component = e.source?.component || e.reportingComponent || '';
  const host = e.source?.host || e.reportingInstance || '';
  return host ? `${component}, ${host}` : component;
}

export const eventTable: TableConvertor = {
  columns: [
    column('Last Seen', 'string', 'The time at which the most recent occurrence of this event was recorded.'),
    column('Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future.'),
    column('Reason', 'string', 'This should be a short, machine understandable string that gives the reason for the transition into the object\'s current status.'),
    column('Object', 'string', 'The object that this event is about.'),
    column('Subobject', 'string', 'The subobject that this event is about.', 1),
    column('Source', 'string', 'The component reporting this event. Should be a short machine understandable string.', 1),
    column('Message', 'string', 'A human-readable description of the status of this operation.'),
    column('First Seen', 'string', 'The time at which the event was first recorded.', 1),
    column('Count', 'integer', 'The number of times this event has occurred.', 1),
    column('Name', 'string', 'Name must be unique within a namespace.', 1, 'name'),
  ],
  cells(object, now) {
    const e = object as EventLike;
    const first = e.firstTimestamp ? age(e.firstTimestamp, now) : age(e.eventTime, now);
    let last = e.lastTimestamp ? age(e.lastTimestamp, now) : first;
    let count = e.count ?? 0;
    if (e.series) {
      last = age(e.series.lastObservedTime, now);
      count = e.series.count ?? 0;
    } else if (count === 0) {
      count = 1;
    }
    const kind = (e.involvedObject?.kind ?? '').toLowerCase();
    const target = e.involvedObject?.name ? `${kind}/${e.involvedObject.name}` : kind;
    return [last, e.type ?? '', e.reason ?? '', target, e.involvedObject?.fieldPath ?? '', eventSource(e), (e.message ?? '').trim(), first, count, nameOf(object)];
  },
};

export const configMapTable: TableConvertor = {
  columns: [nameColumn, column('Data', 'integer', 'Data contains the configuration data.'), ageColumn],
  cells(object, now) {
    const cm = object as { data?: Record<string, string>; binaryData?: Record<string, string> };
    return [nameOf(object), Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length, ageOf(object, now)];
  },
};

export const leaseTable: TableConvertor = {
  columns: [nameColumn, column('Holder', 'string', 'The holder of the lease'), ageColumn],
  cells: (object, now) => [nameOf(object), (object.spec as { holderIdentity?: string } | undefined)?.holderIdentity ?? '', ageOf(object, now)],
};
