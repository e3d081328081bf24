// Pod specs, alone in a Pod or as the template of a workload: upstream's
// defaults (pkg/apis/core/v1/defaults.go SetDefaults_PodSpec,
// SetDefaults_Container) and the validation a student meets first
// (pkg/apis/core/validation/validation.go ValidatePodSpec, validateContainers).
import { fieldError, isDNS1123Label, type FieldError } from '../../proto/index.js';

interface Container {
  name?: string;
  image?: string;
  imagePullPolicy?: string;
  terminationMessagePath?: string;
  terminationMessagePolicy?: string;
  resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
  ports?: { containerPort?: number; protocol?: string; name?: string }[];
  volumeMounts?: { name?: string; mountPath?: string }[];
}

export interface PodSpecLike {
  containers?: Container[];
  initContainers?: Container[];
  volumes?: { name?: string; hostPath?: { path?: string; type?: string }; emptyDir?: object }[];
  restartPolicy?: string;
  dnsPolicy?: string;
  terminationGracePeriodSeconds?: number;
  securityContext?: object;
  schedulerName?: string;
  nodeName?: string;
  [field: string]: unknown;
}

/** Always for an image without a tag or tagged latest, else IfNotPresent (upstream SetDefaults_Container). */
function pullPolicy(image: string | undefined): string {
  if (!image || image.includes('@')) return 'IfNotPresent';
  const lastPart = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastPart.lastIndexOf(':');
  const tag = colon < 0 ? '' : lastPart.slice(colon + 1);
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(container: Container): void {
  container.imagePullPolicy ??= pullPolicy(container.image);
  container.terminationMessagePath ??= '/dev/termination-log';
  container.terminationMessagePolicy ??= 'File';
  container.resources ??= {};
  // Requests default to limits when only limits are given.
  const { limits, requests } = container.resources;
  if (limits && Object.keys(limits).length > 0) container.resources.requests = { ...limits, ...requests };
  for (const port of container.ports ?? []) port.protocol ??= 'TCP';
}

export function defaultPodSpec(spec: PodSpecLike): void {
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  for (const container of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) defaultContainer(container);
  for (const volume of spec.volumes ?? []) {
    if (volume.hostPath) volume.hostPath.type ??= '';
  }
}

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

function validateContainers(containers: Container[] | undefined, path: string, volumes: Set<string>, names: Set<string>, required: boolean): FieldError[] {
  const errors: FieldError[] = [];
  if (containers === undefined || containers.length === 0) {
    if (required) errors.push(fieldError.required(path));
    return errors;
  }
  containers.forEach((c, i) => {
    const at = `${path}[${i}]`;
    if (!c.name) errors.push(fieldError.required(`${at}.name`));
    else {
      for (const message of isDNS1123Label(c.name)) errors.push(fieldError.invalid(`${at}.name`, c.name, message));
      if (names.has(c.name)) errors.push(fieldError.duplicate(`${at}.name`, c.name));
      names.add(c.name);
    }
    if (!c.image || c.image.trim() === '') errors.push(fieldError.required(`${at}.image`));
    if (c.imagePullPolicy !== undefined && !PULL_POLICIES.includes(c.imagePullPolicy)) {
      errors.push(fieldError.notSupported(`${at}.imagePullPolicy`, c.imagePullPolicy, PULL_POLICIES));
    }
    (c.ports ?? []).forEach((p, j) => {
      const port = p.containerPort;
      if (port === undefined) errors.push(fieldError.required(`${at}.ports[${j}].containerPort`));
      else if (!Number.isInteger(port) || port < 1 || port > 65535) {
        errors.push(fieldError.invalid(`${at}.ports[${j}].containerPort`, port, 'must be between 1 and 65535, inclusive'));
      }
      if (p.protocol !== undefined && !PROTOCOLS.includes(p.protocol)) errors.push(fieldError.notSupported(`${at}.ports[${j}].protocol`, p.protocol, PROTOCOLS));
    });
    (c.volumeMounts ?? []).forEach((m, j) => {
      if (!m.name) errors.push(fieldError.required(`${at}.volumeMounts[${j}].name`));
      else if (!volumes.has(m.name)) errors.push(fieldError.notFound(`${at}.volumeMounts[${j}].name`, m.name));
      if (!m.mountPath) errors.push(fieldError.required(`${at}.volumeMounts[${j}].mountPath`));
    });
  });
  return errors;
}

/**
 * `claimVolumes`: names that mounts may use besides spec.volumes (a
 * StatefulSet's volumeClaimTemplates, which its controller adds as volumes
 * of each pod; upstream leaves such mounts unchecked in a StatefulSet's
 * template for that reason).
 */
export function validatePodSpec(spec: PodSpecLike | undefined, path: string, claimVolumes: readonly string[] = []): FieldError[] {
  if (!spec || typeof spec !== 'object') return [fieldError.required(path)];
  const errors: FieldError[] = [];
  const volumes = new Set<string>(claimVolumes);
  (spec.volumes ?? []).forEach((v, i) => {
    if (!v.name) errors.push(fieldError.required(`${path}.volumes[${i}].name`));
    else {
      for (const message of isDNS1123Label(v.name)) errors.push(fieldError.invalid(`${path}.volumes[${i}].name`, v.name, message));
      if (volumes.has(v.name)) errors.push(fieldError.duplicate(`${path}.volumes[${i}].name`, v.name));
      volumes.add(v.name);
    }
  });
  const names = new Set<string>();
  errors.push(...validateContainers(spec.initContainers, `${path}.initContainers`, volumes, names, false));
  errors.push(...validateContainers(spec.containers, `${path}.containers`, volumes, names, true));
  if (spec.restartPolicy !== undefined && !RESTART_POLICIES.includes(spec.restartPolicy)) {
    errors.push(fieldError.notSupported(`${path}.restartPolicy`, spec.restartPolicy, RESTART_POLICIES));
  }
  if (spec.dnsPolicy !== undefined && !DNS_POLICIES.includes(spec.dnsPolicy)) errors.push(fieldError.notSupported(`${path}.dnsPolicy`, spec.dnsPolicy, DNS_POLICIES));
  const grace = spec.terminationGracePeriodSeconds;
  if (grace !== undefined && (!Number.isInteger(grace) || grace < 0)) {
    errors.push(fieldError.invalid(`${path}.terminationGracePeriodSeconds`, grace, 'must be greater than or equal to 0'));
  }
  return errors;
}

/** upstream GetPodQOS: BestEffort without requests or limits; Guaranteed when every container limits cpu and memory at its requests. */
export function qosClass(spec: PodSpecLike): string {
  const containers = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const requests = c.resources?.requests ?? {};
    const limits = c.resources?.limits ?? {};
    if (Object.keys(requests).length > 0 || Object.keys(limits).length > 0) any = true;
    for (const resource of ['cpu', 'memory']) {
      if (limits[resource] === undefined || (requests[resource] ?? limits[resource]) !== limits[resource]) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
