// The strategies of Services and volumes (upstream pkg/registry/core/service,
// persistentvolume, persistentvolumeclaim strategy.go, with
// pkg/apis/core/v1/defaults.go and pkg/apis/core/validation/validation.go).
import { isDeepStrictEqual } from 'node:util';
import { fieldError, invalid, type FieldError } from '../../proto/index.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import type { KubeObject, Strategy } from './strategy.js';

type KindStrategy = Omit<Strategy, 'table'>;

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'];
/** The volume sources a PersistentVolume may name (one of them). */
const VOLUME_SOURCES = ['hostPath', 'local', 'nfs', 'iscsi', 'csi', 'gcePersistentDisk', 'awsElasticBlockStore', 'azureDisk', 'azureFile', 'cephfs', 'rbd', 'fc', 'flexVolume', 'glusterfs'];

interface ServicePort {
  name?: string;
  port?: number;
  targetPort?: number | string;
  protocol?: string;
  nodePort?: number;
}

interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: ServicePort[];
  selector?: Record<string, string>;
  sessionAffinity?: string;
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
  internalTrafficPolicy?: string;
  externalTrafficPolicy?: string;
  allocateLoadBalancerNodePorts?: boolean;
  externalName?: string;
}

const isPort = (n: unknown): boolean => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535;

/**
 * Cluster IPs from the service CIDR upstream's kubeadm uses, 10.96.0.0/12;
 * .1 is the kubernetes service's. Addresses handed out but perhaps not yet
 * stored are remembered, so two creates at once never share one.
 */
const SERVICE_CIDR_BASE = (10 << 24) | (96 << 16);
const SERVICE_CIDR_SIZE = 1 << 20;
const handedOut = new Set<string>();

function ipOf(n: number): string {
  return [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join('.');
}

function allocateClusterIP(existing: readonly KubeObject[]): string {
  const taken = new Set(handedOut);
  for (const service of existing) {
    const ip = (service.spec as ServiceSpec | undefined)?.clusterIP;
    if (ip) taken.add(ip);
  }
  // From a random start, as upstream's allocator spreads its picks.
  const start = 10 + Math.floor(Math.random() * (SERVICE_CIDR_SIZE - 20));
  for (let i = 0; i < SERVICE_CIDR_SIZE - 12; i++) {
    const ip = ipOf(SERVICE_CIDR_BASE + 10 + ((start + i) % (SERVICE_CIDR_SIZE - 12)));
    if (!taken.has(ip)) {
      handedOut.add(ip);
      return ip;
    }
  }
  throw new Error('the service CIDR 10.96.0.0/12 is full');
}

/** Upstream's default --service-node-port-range. */
const NODE_PORT_MIN = 30000;
const NODE_PORT_MAX = 32767;
const nodePortsHandedOut = new Set<number>();

const needsNodePorts = (spec: ServiceSpec) => spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);

/**
 * upstream's node port allocator: each port of a NodePort (or
 * LoadBalancer) service without one gets a free port of 30000-32767, from
 * a random start; one asked for must be in the range and free.
 */
function allocateNodePorts(name: string, spec: ServiceSpec, existing: readonly KubeObject[]): void {
  const taken = new Set(nodePortsHandedOut);
  for (const service of existing) for (const port of (service.spec as ServiceSpec | undefined)?.ports ?? []) if (port.nodePort) taken.add(port.nodePort);
  const size = NODE_PORT_MAX - NODE_PORT_MIN + 1;
  const errors: FieldError[] = [];
  (spec.ports ?? []).forEach((port, i) => {
    if (port.nodePort === undefined || port.nodePort === 0) return;
    const path = `spec.ports[${i}].nodePort`;
    if (port.nodePort < NODE_PORT_MIN || port.nodePort > NODE_PORT_MAX) {
      errors.push(fieldError.invalid(path, port.nodePort, `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_MIN}-${NODE_PORT_MAX}`));
    } else if (taken.has(port.nodePort)) {
      errors.push(fieldError.invalid(path, port.nodePort, 'provided port is already allocated'));
    }
    taken.add(port.nodePort);
  });
  if (errors.length > 0) throw invalid('Service', '', name, errors);
  const start = Math.floor(Math.random() * size);
  let next = 0;
  for (const port of spec.ports ?? []) {
    if (port.nodePort) continue;
    while (next < size && taken.has(NODE_PORT_MIN + ((start + next) % size))) next++;
    if (next === size) throw new Error(`the node port range ${NODE_PORT_MIN}-${NODE_PORT_MAX} is full`);
    port.nodePort = NODE_PORT_MIN + ((start + next) % size);
    taken.add(port.nodePort);
    nodePortsHandedOut.add(port.nodePort);
  }
}

export const serviceStrategy: KindStrategy = {
  tracksGeneration: false,
  assignOnCreate(service, existing) {
    const spec = (service.spec ??= {}) as ServiceSpec;
    if (spec.type === 'ExternalName') return;
    if (needsNodePorts(spec)) allocateNodePorts(service.metadata?.name ?? '', spec, existing);
    if (spec.clusterIP === 'None' || spec.clusterIP) return;
    spec.clusterIP = allocateClusterIP(existing);
  },
  defaults(service) {
    const spec = (service.spec ??= {}) as ServiceSpec;
    spec.type ??= 'ClusterIP';
    spec.sessionAffinity ??= 'None';
    for (const port of spec.ports ?? []) {
      port.protocol ??= 'TCP';
      port.targetPort ??= port.port;
    }
    if (spec.type !== 'ExternalName') {
      spec.ipFamilies ??= ['IPv4'];
      spec.ipFamilyPolicy ??= 'SingleStack';
      spec.internalTrafficPolicy ??= 'Cluster';
      if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') spec.externalTrafficPolicy ??= 'Cluster';
      if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
      if (spec.clusterIP && !spec.clusterIPs) spec.clusterIPs = [spec.clusterIP];
    }
  },
  prepareForCreate(service) {
    service.status = { loadBalancer: {} };
  },
  prepareForUpdate(service, old) {
    // The cluster IP is the server's: an update that leaves it out keeps it.
    const spec = (service.spec ??= {}) as ServiceSpec;
    const before = (old.spec ?? {}) as ServiceSpec;
    spec.clusterIP ??= before.clusterIP;
    spec.clusterIPs ??= before.clusterIPs;
    // So is a node port: a port left without one keeps the one it had.
    for (const port of spec.ports ?? []) {
      const had = (before.ports ?? []).find((p) => p.port === port.port && (p.protocol ?? 'TCP') === (port.protocol ?? 'TCP'));
      if (port.nodePort === undefined && had?.nodePort && needsNodePorts(spec)) port.nodePort = had.nodePort;
    }
  },
  validate(service) {
    const errors = validateObjectMeta(service, { nameIsLabel: true });
    const spec = (service.spec ?? {}) as ServiceSpec;
    const type = spec.type ?? 'ClusterIP';
    if (!SERVICE_TYPES.includes(type)) errors.push(fieldError.notSupported('spec.type', type, SERVICE_TYPES));
    if (type === 'ExternalName') {
      if (!spec.externalName) errors.push(fieldError.required('spec.externalName'));
      return errors;
    }
    const ports = spec.ports ?? [];
    if (ports.length === 0 && spec.clusterIP !== 'None') errors.push(fieldError.required('spec.ports'));
    const names = new Set<string>();
    ports.forEach((p, i) => {
      const at = `spec.ports[${i}]`;
      if (ports.length > 1 && !p.name) errors.push(fieldError.required(`${at}.name`));
      if (p.name) {
        if (names.has(p.name)) errors.push(fieldError.duplicate(`${at}.name`, p.name));
        names.add(p.name);
      }
      if (p.port === undefined) errors.push(fieldError.required(`${at}.port`));
      else if (!isPort(p.port)) errors.push(fieldError.invalid(`${at}.port`, p.port, 'must be between 1 and 65535, inclusive'));
      if (p.protocol !== undefined && !PROTOCOLS.includes(p.protocol)) errors.push(fieldError.notSupported(`${at}.protocol`, p.protocol, PROTOCOLS));
      if (typeof p.targetPort === 'number' && !isPort(p.targetPort)) {
        errors.push(fieldError.invalid(`${at}.targetPort`, p.targetPort, 'must be between 1 and 65535, inclusive'));
      }
      if (p.nodePort !== undefined && type === 'ClusterIP') errors.push(fieldError.forbidden(`${at}.nodePort`, 'may not be used when `type` is \'ClusterIP\''));
    });
    return errors;
  },
  validateUpdate(service, old) {
    const errors = validateObjectMetaUpdate(service, old);
    const now = (service.spec as ServiceSpec | undefined)?.clusterIP;
    const before = (old.spec as ServiceSpec | undefined)?.clusterIP;
    if (before && now !== before) errors.push(fieldError.invalid('spec.clusterIPs[0]', now, 'may not change once set'));
    return errors;
  },
};

interface VolumeSpec {
  capacity?: Record<string, string>;
  accessModes?: string[];
  persistentVolumeReclaimPolicy?: string;
  volumeMode?: string;
  resources?: { requests?: Record<string, string> };
  [source: string]: unknown;
}

function validateAccessModes(modes: unknown, path: string): FieldError[] {
  if (!Array.isArray(modes) || modes.length === 0) return [fieldError.required(path)];
  return modes.filter((m) => !ACCESS_MODES.includes(m as string)).map((m) => fieldError.notSupported(path, m, ACCESS_MODES));
}

export const persistentVolumeStrategy: KindStrategy = {
  tracksGeneration: false,
  defaults(pv) {
    const spec = (pv.spec ??= {}) as VolumeSpec;
    spec.persistentVolumeReclaimPolicy ??= 'Retain';
    spec.volumeMode ??= 'Filesystem';
    const hostPath = spec.hostPath as { type?: string } | undefined;
    if (hostPath) hostPath.type ??= '';
  },
  prepareForCreate(pv) {
    pv.status = { phase: 'Pending' };
  },
  validate(pv) {
    const errors = validateObjectMeta(pv);
    const spec = (pv.spec ?? {}) as VolumeSpec;
    errors.push(...validateAccessModes(spec.accessModes, 'spec.accessModes'));
    if (!spec.capacity || Object.keys(spec.capacity).length === 0) errors.push(fieldError.required('spec.capacity'));
    else if (spec.capacity.storage === undefined) errors.push(fieldError.required('spec.capacity.storage'));
    const policy = spec.persistentVolumeReclaimPolicy;
    if (policy !== undefined && !RECLAIM_POLICIES.includes(policy)) errors.push(fieldError.notSupported('spec.persistentVolumeReclaimPolicy', policy, RECLAIM_POLICIES));
    const sources = VOLUME_SOURCES.filter((s) => spec[s] !== undefined);
    if (sources.length === 0) errors.push(fieldError.required('spec', 'must specify a volume type'));
    else if (sources.length > 1) errors.push(fieldError.forbidden(`spec.${sources[1]}`, 'may not specify more than 1 volume type'));
    return errors;
  },
  validateUpdate: validateObjectMetaUpdate,
};

export const persistentVolumeClaimStrategy: KindStrategy = {
  tracksGeneration: false,
  defaults(pvc) {
    ((pvc.spec ??= {}) as VolumeSpec).volumeMode ??= 'Filesystem';
  },
  prepareForCreate(pvc) {
    pvc.status = { phase: 'Pending' };
  },
  validate(pvc) {
    const errors = validateObjectMeta(pvc);
    const spec = (pvc.spec ?? {}) as VolumeSpec;
    errors.push(...validateAccessModes(spec.accessModes, 'spec.accessModes'));
    if (spec.resources?.requests?.storage === undefined) errors.push(fieldError.required('spec.resources[storage]'));
    return errors;
  },
  validateUpdate(pvc, old) {
    const errors = validateObjectMetaUpdate(pvc, old);
    // As upstream: after creation only the storage request may change (and the volume be bound).
    const fixed = (o: KubeObject) => {
      const { resources: _r, volumeName: _v, ...rest } = (o.spec ?? {}) as VolumeSpec & { volumeName?: string };
      return rest;
    };
    if (!isDeepStrictEqual(fixed(pvc), fixed(old))) {
      errors.push(fieldError.forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
    }
    return errors;
  },
};
