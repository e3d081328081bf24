// The strategies of ConfigMaps, Endpoints, Events, Leases, Nodes and
// ControllerRevisions (upstream pkg/apis/core/validation ValidateConfigMap,
// ValidateEndpoints, ValidateEventCreate, pkg/apis/coordination/validation
// ValidateLease, pkg/apis/apps/validation ValidateControllerRevision).
import { isIP } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import { fieldError, isQualifiedName, type FieldError } from '../../proto/index.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import type { Strategy } from './strategy.js';

type KindStrategy = Omit<Strategy, 'table'>;

/** upstream's MaxSecretSize, which bounds a ConfigMap's data too. */
const MAX_CONFIG_MAP_BYTES = 1024 * 1024;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const CONFIG_KEY_MESSAGE =
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

function validateConfigKey(key: string, path: string): FieldError[] {
  if (key.length > 253) return [fieldError.invalid(path, key, 'must be no more than 253 characters')];
  if (key === '.' || key === '..' || key.startsWith('..')) return [fieldError.invalid(path, key, `must not be '.' or '..'`)];
  return CONFIG_KEY.test(key) ? [] : [fieldError.invalid(path, key, CONFIG_KEY_MESSAGE)];
}

export const configMapStrategy: KindStrategy = {
  tracksGeneration: false,
  validate(cm) {
    const errors = validateObjectMeta(cm);
    const data = (cm.data ?? {}) as Record<string, unknown>;
    const binary = (cm.binaryData ?? {}) as Record<string, unknown>;
    let bytes = 0;
    for (const [key, value] of Object.entries(data)) {
      errors.push(...validateConfigKey(key, `data[${key}]`));
      if (typeof value !== 'string') errors.push(fieldError.invalid(`data[${key}]`, value, 'must be a string'));
      else bytes += Buffer.byteLength(value);
    }
    for (const [key, value] of Object.entries(binary)) {
      errors.push(...validateConfigKey(key, `binaryData[${key}]`));
      if (key in data) errors.push(fieldError.invalid(`binaryData[${key}]`, key, 'duplicate of key present in data'));
      bytes += typeof value === 'string' ? Math.floor((value.length * 3) / 4) : 0;
    }
    if (bytes > MAX_CONFIG_MAP_BYTES) errors.push({ type: 'FieldValueTooLong', field: '', detail: `must have at most ${MAX_CONFIG_MAP_BYTES} bytes` });
    return errors;
  },
  validateUpdate(cm, old) {
    const errors = validateObjectMetaUpdate(cm, old);
    // An immutable ConfigMap keeps its data (upstream ValidateConfigMapUpdate).
    if ((old as { immutable?: boolean }).immutable === true) {
      if (!isDeepStrictEqual(cm.data ?? {}, old.data ?? {})) errors.push(fieldError.forbidden('data', 'field is immutable when `immutable` is set'));
      if ((cm as { immutable?: boolean }).immutable !== true) errors.push(fieldError.forbidden('immutable', 'field is immutable when `immutable` is set'));
    }
    return errors;
  },
};

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

interface Subset {
  addresses?: { ip?: string }[];
  notReadyAddresses?: { ip?: string }[];
  ports?: { port?: number; protocol?: string; name?: string }[];
}

export const endpointsStrategy: KindStrategy = {
  tracksGeneration: false,
  validate(endpoints) {
    const errors = validateObjectMeta(endpoints);
    ((endpoints.subsets ?? []) as Subset[]).forEach((subset, i) => {
      const at = `subsets[${i}]`;
      for (const list of ['addresses', 'notReadyAddresses'] as const) {
        (subset[list] ?? []).forEach((address, j) => {
          if (!address.ip || isIP(address.ip) === 0) {
            errors.push(fieldError.invalid(`${at}.${list}[${j}].ip`, address.ip ?? '', 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
          }
        });
      }
      (subset.ports ?? []).forEach((port, k) => {
        if (typeof port.port !== 'number' || !Number.isInteger(port.port) || port.port < 1 || port.port > 65535) {
          errors.push(fieldError.invalid(`${at}.ports[${k}].port`, port.port, 'must be between 1 and 65535, inclusive'));
        }
        if (port.protocol !== undefined && !PROTOCOLS.includes(port.protocol)) errors.push(fieldError.notSupported(`${at}.ports[${k}].protocol`, port.protocol, PROTOCOLS));
      });
    });
    return errors;
  },
  validateUpdate: validateObjectMetaUpdate,
};

interface EventLike {
  involvedObject?: { namespace?: string; kind?: string; name?: string };
  type?: string;
}

export const eventStrategy: KindStrategy = {
  tracksGeneration: false,
  validate(event) {
    const errors = validateObjectMeta(event);
    const e = event as EventLike;
    const involved = e.involvedObject?.namespace;
    // As upstream's legacy event validation: an event lives in its object's namespace.
    if (involved && involved !== event.metadata?.namespace) {
      errors.push(fieldError.invalid('involvedObject.namespace', involved, 'does not match event.namespace'));
    }
    if (e.type !== undefined && e.type !== 'Normal' && e.type !== 'Warning') errors.push(fieldError.notSupported('type', e.type, ['Normal', 'Warning']));
    return errors;
  },
  validateUpdate: validateObjectMetaUpdate,
};

interface LeaseSpec {
  leaseDurationSeconds?: number;
  leaseTransitions?: number;
}

export const leaseStrategy: KindStrategy = {
  tracksGeneration: false,
  validate(lease) {
    const errors = validateObjectMeta(lease);
    const spec = (lease.spec ?? {}) as LeaseSpec;
    if (spec.leaseDurationSeconds !== undefined && !(Number.isInteger(spec.leaseDurationSeconds) && spec.leaseDurationSeconds > 0)) {
      errors.push(fieldError.invalid('spec.leaseDurationSeconds', spec.leaseDurationSeconds, 'must be greater than 0'));
    }
    if (spec.leaseTransitions !== undefined && !(Number.isInteger(spec.leaseTransitions) && spec.leaseTransitions >= 0)) {
      errors.push(fieldError.invalid('spec.leaseTransitions', spec.leaseTransitions, 'must be greater than or equal to 0'));
    }
    return errors;
  },
  validateUpdate: validateObjectMetaUpdate,
};

/** As upstream ValidateControllerRevision and ValidateControllerRevisionUpdate. */
export const controllerRevisionStrategy: KindStrategy = {
  tracksGeneration: false,
  validate(revision) {
    const errors = validateObjectMeta(revision);
    if (revision.data === undefined || revision.data === null) errors.push(fieldError.required('data', 'data is mandatory'));
    const number = revision.revision;
    if (number !== undefined && !(typeof number === 'number' && Number.isInteger(number) && number >= 0)) {
      errors.push(fieldError.invalid('revision', number, 'must be greater than or equal to 0'));
    }
    return errors;
  },
  validateUpdate(revision, old) {
    const errors = validateObjectMetaUpdate(revision, old);
    if (!isDeepStrictEqual(revision.data, old.data)) errors.push(fieldError.invalid('data', revision.data, 'field is immutable'));
    return errors;
  },
};

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** "10.244.1.0/24": an address, a slash, and a prefix length that fits it. */
function isCIDR(value: string): boolean {
  const [address, bits, ...rest] = value.split('/');
  if (rest.length > 0 || address === undefined || bits === undefined || !/^\d+$/.test(bits)) return false;
  const family = isIP(address);
  return family !== 0 && Number(bits) <= (family === 4 ? 32 : 128);
}

interface NodeSpec {
  podCIDR?: string;
  podCIDRs?: string[];
  taints?: { key?: string; value?: string; effect?: string }[];
}

/** upstream ValidateNode: pod CIDRs and taints (the kubelet and kubectl taint write them). */
export const nodeStrategy: KindStrategy = {
  tracksGeneration: false,
  validate(node) {
    const errors = validateObjectMeta(node);
    const spec = (node.spec ?? {}) as NodeSpec;
    const cidrs: [string, string][] = [
      ...(spec.podCIDR !== undefined ? [['spec.podCIDR', spec.podCIDR] as [string, string]] : []),
      ...(spec.podCIDRs ?? []).map((c, i): [string, string] => [`spec.podCIDRs[${i}]`, c]),
    ];
    for (const [path, cidr] of cidrs) {
      if (!isCIDR(cidr)) errors.push(fieldError.invalid(path, cidr, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'));
    }
    (spec.taints ?? []).forEach((taint, i) => {
      const at = `spec.taints[${i}]`;
      if (!taint.key) errors.push(fieldError.required(`${at}.key`));
      else for (const message of isQualifiedName(taint.key)) errors.push(fieldError.invalid(`${at}.key`, taint.key, message));
      if (!taint.effect) errors.push(fieldError.required(`${at}.effect`));
      else if (!TAINT_EFFECTS.includes(taint.effect)) errors.push(fieldError.notSupported(`${at}.effect`, taint.effect, TAINT_EFFECTS));
    });
    return errors;
  },
  validateUpdate: validateObjectMetaUpdate,
};
