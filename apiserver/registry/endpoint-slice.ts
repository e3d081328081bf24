// The strategy of discovery.k8s.io/v1 EndpointSlices (upstream
// pkg/registry/discovery/endpointslice/strategy.go, the v1 defaults of
// pkg/apis/discovery/v1/defaults.go and pkg/apis/discovery/validation).
import { isIP } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import { fieldError, isDNS1123Label, isQualifiedName, validateLabels, type FieldError } from '../../proto/index.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import type { KubeObject, Strategy } from './strategy.js';

type KindStrategy = Omit<Strategy, 'table'>;

interface SliceEndpoint {
  addresses?: string[];
  hostname?: string;
  deprecatedTopology?: Record<string, string>;
}

interface SlicePort {
  name?: string;
  protocol?: string;
  port?: number;
  appProtocol?: string;
}

interface SliceFields {
  addressType?: string;
  endpoints?: SliceEndpoint[];
  ports?: SlicePort[];
}

// Upstream also keeps the deprecated type IP on update; no v1 create can make such a slice, so it is left out.
const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const MAX_ENDPOINTS = 1000;
const MAX_ADDRESSES = 100;
const MAX_PORTS = 100;
const MAX_TOPOLOGY_LABELS = 16;
const FQDN = /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]*[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;

const sliceOf = (object: KubeObject) => object as KubeObject & SliceFields;

/** upstream ValidateNonSpecialIP: no unspecified, loopback or link-local addresses. */
function validateNonSpecialIP(address: string, path: string): FieldError[] {
  const lower = address.toLowerCase();
  const [a = 0, b = 0, c = 0] = isIP(address) === 4 ? address.split('.').map(Number) : [];
  const errors: string[] = [];
  if (address === '0.0.0.0' || lower === '::') errors.push(`may not be unspecified (${address})`);
  if (a === 127 || lower === '::1') errors.push('may not be in the loopback range (127.0.0.0/8, ::1/128)');
  if ((a === 169 && b === 254) || /^fe[89ab]/.test(lower)) errors.push('may not be in the link-local range (169.254.0.0/16, fe80::/10)');
  if ((a === 224 && b === 0 && c === 0) || lower.startsWith('ff02:')) errors.push('may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)');
  return errors.map((message) => fieldError.invalid(path, address, message));
}

function validateAddress(address: string, addressType: string | undefined, path: string): FieldError[] {
  switch (addressType) {
    case 'IPv4':
      return isIP(address) === 4 ? validateNonSpecialIP(address, path) : [fieldError.invalid(path, address, 'must be a valid IPv4 address')];
    case 'IPv6':
      return isIP(address) === 6 ? validateNonSpecialIP(address, path) : [fieldError.invalid(path, address, 'must be a valid IPv6 address')];
    case 'FQDN':
      return FQDN.test(address) ? [] : [fieldError.invalid(path, address, 'should be a domain with at least two segments separated by dots')];
    default:
      // as upstream: an unknown type is refused by validateAddressType, its addresses go unchecked.
      return [];
  }
}

function validateEndpoints(slice: SliceFields): FieldError[] {
  const endpoints = slice.endpoints ?? [];
  if (endpoints.length > MAX_ENDPOINTS) return [fieldError.tooMany('endpoints', endpoints.length, MAX_ENDPOINTS)];
  return endpoints.flatMap((endpoint, i) => {
    const at = `endpoints[${i}]`;
    const addresses = endpoint.addresses ?? [];
    const errors: FieldError[] = [];
    if (addresses.length === 0) errors.push(fieldError.required(`${at}.addresses`, 'must contain at least 1 address'));
    else if (addresses.length > MAX_ADDRESSES) errors.push(fieldError.tooMany(`${at}.addresses`, addresses.length, MAX_ADDRESSES));
    addresses.forEach((address, j) => errors.push(...validateAddress(address, slice.addressType, `${at}.addresses[${j}]`)));
    const topology = endpoint.deprecatedTopology ?? {};
    if (Object.keys(topology).length > MAX_TOPOLOGY_LABELS) errors.push(fieldError.tooMany(`${at}.deprecatedTopology`, Object.keys(topology).length, MAX_TOPOLOGY_LABELS));
    errors.push(...validateLabels(topology, `${at}.deprecatedTopology`));
    if (endpoint.hostname !== undefined) for (const message of isDNS1123Label(endpoint.hostname)) errors.push(fieldError.invalid(`${at}.hostname`, endpoint.hostname, message));
    return errors;
  });
}

function validatePorts(ports: readonly SlicePort[]): FieldError[] {
  if (ports.length > MAX_PORTS) return [fieldError.tooMany('ports', ports.length, MAX_PORTS)];
  const names = new Set<string>();
  return ports.flatMap((port, i) => {
    const at = `ports[${i}]`;
    const name = port.name ?? '';
    const errors: FieldError[] = [];
    if (name !== '') for (const message of isDNS1123Label(name)) errors.push(fieldError.invalid(`${at}.name`, name, message));
    if (names.has(name)) errors.push(fieldError.duplicate(`${at}.name`, name));
    names.add(name);
    if (port.protocol === undefined) errors.push(fieldError.required(`${at}.protocol`));
    else if (!PROTOCOLS.includes(port.protocol)) errors.push(fieldError.notSupported(`${at}.protocol`, port.protocol, PROTOCOLS));
    if (port.appProtocol !== undefined) for (const message of isQualifiedName(port.appProtocol)) errors.push(fieldError.invalid(`${at}.appProtocol`, port.appProtocol, message));
    return errors;
  });
}

/** upstream ValidateEndpointSlice: metadata, the address type, the endpoints and the ports. */
function validateEndpointSlice(object: KubeObject): FieldError[] {
  const slice = sliceOf(object);
  const errors = validateObjectMeta(object);
  if (!slice.addressType) errors.push(fieldError.required('addressType'));
  else if (!ADDRESS_TYPES.includes(slice.addressType)) errors.push(fieldError.notSupported('addressType', slice.addressType, ADDRESS_TYPES));
  return [...errors, ...validateEndpoints(slice), ...validatePorts(slice.ports ?? [])];
}

/** upstream dropTopologyOnV1: a v1 write clears deprecatedTopology, unless an update leaves the endpoints as they were. */
function dropDeprecatedTopology(slice: SliceFields): void {
  for (const endpoint of slice.endpoints ?? []) delete endpoint.deprecatedTopology;
}

/** Everything but the metadata: what bumps the generation (with the labels). */
const contentOf = (object: KubeObject) => {
  const { metadata: _m, apiVersion: _a, kind: _k, ...rest } = object;
  return rest;
};

export const endpointSliceStrategy: KindStrategy = {
  // The generation is the strategy's own (prepareForCreate, prepareForUpdate): labels count too.
  tracksGeneration: false,
  defaults(object) {
    // upstream SetDefaults_EndpointPort: a port's name defaults to "", its protocol to TCP.
    for (const port of sliceOf(object).ports ?? []) {
      port.name ??= '';
      port.protocol ??= 'TCP';
    }
  },
  prepareForCreate(object) {
    (object.metadata ??= {}).generation = 1;
    dropDeprecatedTopology(sliceOf(object));
  },
  prepareForUpdate(object, old) {
    // upstream: the generation goes up when anything but the metadata, or the labels, changed.
    const changed = !isDeepStrictEqual(contentOf(object), contentOf(old)) || !isDeepStrictEqual(object.metadata?.labels ?? {}, old.metadata?.labels ?? {});
    (object.metadata ??= {}).generation = (old.metadata?.generation ?? 1) + (changed ? 1 : 0);
    if (!isDeepStrictEqual(sliceOf(object).endpoints, sliceOf(old).endpoints)) dropDeprecatedTopology(sliceOf(object));
  },
  validate: validateEndpointSlice,
  validateUpdate(object, old) {
    const errors = validateObjectMetaUpdate(object, old);
    if (sliceOf(object).addressType !== sliceOf(old).addressType) errors.push(fieldError.invalid('addressType', sliceOf(object).addressType, 'field is immutable'));
    return errors;
  },
};
