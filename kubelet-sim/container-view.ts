// What a simulated container looks like from inside, for `kubectl exec`: its
// hostname, environment, and the few files and directories the command
// interpreter (shell.ts) can read. Built from the pod as the kubelet builds a
// container's runtime config (upstream pkg/kubelet/kubelet_pods.go
// GeneratePodHostNameAndDomain, makeEnvironmentVariables, the managed
// /etc/hosts of makeHostsMount). Pure.
import type { Container, EnvVar, Pod } from 'kubernetes-types/core/v1.js';
import type { ContainerView } from './shell.js';

const CLUSTER_DOMAIN = 'cluster.local';
/** The `kubernetes` Service (apiserver/bootstrap.ts) and the lab's DNS address, as kind's. */
const KUBERNETES_SERVICE_IP = '10.96.0.1';
const CLUSTER_DNS_IP = '10.96.0.10';

const ROOT_ENTRIES = ['bin', 'boot', 'dev', 'etc', 'home', 'lib', 'lib64', 'media', 'mnt', 'opt', 'proc', 'root', 'run', 'sbin', 'srv', 'sys', 'tmp', 'usr', 'var'];

/** as upstream GeneratePodHostNameAndDomain: spec.hostname, else the pod's name, cut to 63 characters. */
export function podHostname(pod: Pod): string {
  return (pod.spec?.hostname || pod.metadata?.name || '').slice(0, 63).replace(/[-.]+$/, '');
}

/** as upstream's service environment for the `kubernetes` Service (pkg/kubelet/envvars). */
function kubernetesServiceEnv(): [string, string][] {
  const ip = KUBERNETES_SERVICE_IP;
  return [
    ['KUBERNETES_SERVICE_HOST', ip],
    ['KUBERNETES_SERVICE_PORT', '443'],
    ['KUBERNETES_SERVICE_PORT_HTTPS', '443'],
    ['KUBERNETES_PORT', `tcp://${ip}:443`],
    ['KUBERNETES_PORT_443_TCP', `tcp://${ip}:443`],
    ['KUBERNETES_PORT_443_TCP_PROTO', 'tcp'],
    ['KUBERNETES_PORT_443_TCP_PORT', '443'],
    ['KUBERNETES_PORT_443_TCP_ADDR', ip],
  ];
}

/** An env var's value: `value`, or the pod fields a downward-API fieldRef names; undefined for what is not simulated. */
function envValue(v: EnvVar, pod: Pod): string | undefined {
  if (v.value !== undefined) return v.value;
  switch (v.valueFrom?.fieldRef?.fieldPath) {
    case 'metadata.name':
      return pod.metadata?.name ?? '';
    case 'metadata.namespace':
      return pod.metadata?.namespace ?? 'default';
    case 'metadata.uid':
      return pod.metadata?.uid ?? '';
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? 'default';
    case 'status.podIP':
      return pod.status?.podIP ?? '';
    case 'status.hostIP':
      return pod.status?.hostIP ?? '';
    default:
      return undefined;
  }
}

function hostsFile(pod: Pod, hostname: string): string {
  const lines = [
    '# Kubernetes-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
  ];
  const ip = pod.status?.podIP;
  const namespace = pod.metadata?.namespace ?? 'default';
  const subdomain = pod.spec?.subdomain;
  if (ip) lines.push(subdomain ? `${ip}\t${hostname}.${subdomain}.${namespace}.svc.${CLUSTER_DOMAIN}\t${hostname}` : `${ip}\t${hostname}`);
  return lines.join('\n') + '\n';
}

/** The container `container` of `pod` as exec sees it at `now`. */
export function containerView(pod: Pod, container: Container, now: number): ContainerView {
  const hostname = podHostname(pod);
  const namespace = pod.metadata?.namespace ?? 'default';
  const env: [string, string][] = [
    ['PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
    ['HOSTNAME', hostname],
  ];
  for (const v of container.env ?? []) {
    const value = envValue(v, pod);
    if (value !== undefined) env.push([v.name, value]);
  }
  env.push(...kubernetesServiceEnv(), ['HOME', '/root']);

  const files = new Map<string, string>([
    ['/etc/hostname', `${hostname}\n`],
    ['/etc/hosts', hostsFile(pod, hostname)],
    ['/etc/resolv.conf', `search ${namespace}.svc.${CLUSTER_DOMAIN} svc.${CLUSTER_DOMAIN} ${CLUSTER_DOMAIN}\nnameserver ${CLUSTER_DNS_IP}\noptions ndots:5\n`],
  ]);
  const directories = new Map<string, Set<string>>([['/', new Set(ROOT_ENTRIES)], ['/etc', new Set(['hostname', 'hosts', 'resolv.conf'])]]);
  // Each mount is an empty directory (no file of a volume is simulated), with its parents.
  for (const mount of container.volumeMounts ?? []) {
    const parts = mount.mountPath.split('/').filter(Boolean);
    for (let i = 0; i < parts.length; i++) {
      const parent = '/' + parts.slice(0, i).join('/');
      const self = '/' + parts.slice(0, i + 1).join('/');
      if (!directories.has(parent)) directories.set(parent, new Set());
      directories.get(parent)!.add(parts[i]!);
      if (!directories.has(self) && !files.has(self)) directories.set(self, new Set());
    }
  }
  const sorted = new Map([...directories].map(([path, entries]) => [path, [...entries].sort()] as const));
  return { hostname, env, files, directories: sorted, now };
}
