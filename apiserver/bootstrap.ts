// What every cluster has from the start (upstream's bootstrap controller in
// pkg/controlplane): the namespaces default, kube-system, kube-public and
// kube-node-lease, and the `kubernetes` Service in default (10.96.0.1:443)
// with its Endpoints and its EndpointSlice (upstream's endpoint reconciler
// writes both; no controller manages them). Written straight to the store before the server serves,
// so the first request finds them; an existing one is left as it is.
import { randomUUID } from 'node:crypto';
import { resources, storageKey, type ResourceType } from '../proto/index.js';
import { KeyExistsError, systemClock, type Clock, type Store } from '../store/index.js';
import { encodeObject, timestamp } from './registry/object-store.js';
import type { KubeObject } from './registry/strategy.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;

/** The kubernetes service's port on the API server (upstream's default secure port). */
const API_PORT = 6443;

const resource = (kind: string, group = ''): ResourceType => resources.find((r) => r.group === group && r.kind === kind)!;

function systemObjects(now: string): [ResourceType, KubeObject][] {
  const meta = (name: string, namespace?: string, labels?: Record<string, string>) => ({
    name,
    ...(namespace ? { namespace } : {}),
    uid: randomUUID(),
    creationTimestamp: now,
    ...(labels ? { labels } : {}),
  });
  const namespaces = SYSTEM_NAMESPACES.map((name): [ResourceType, KubeObject] => [
    resource('Namespace'),
    { metadata: meta(name, undefined, { 'kubernetes.io/metadata.name': name }), spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } },
  ]);
  const labels = { component: 'apiserver', provider: 'kubernetes' };
  const service: KubeObject = {
    metadata: meta('kubernetes', 'default', labels),
    spec: {
      ports: [{ name: 'https', protocol: 'TCP', port: 443, targetPort: API_PORT }],
      clusterIP: '10.96.0.1',
      clusterIPs: ['10.96.0.1'],
      type: 'ClusterIP',
      sessionAffinity: 'None',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
    },
    status: { loadBalancer: {} },
  };
  const endpoints: KubeObject = {
    metadata: meta('kubernetes', 'default', { 'endpointslice.kubernetes.io/skip-mirror': 'true' }),
    subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port: API_PORT, protocol: 'TCP' }] }],
  };
  const slice: KubeObject = {
    metadata: { ...meta('kubernetes', 'default', { 'kubernetes.io/service-name': 'kubernetes' }), generation: 1 },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
    ports: [{ name: 'https', protocol: 'TCP', port: API_PORT }],
  };
  return [...namespaces, [resource('Service'), service], [resource('Endpoints'), endpoints], [resource('EndpointSlice', 'discovery.k8s.io'), slice]];
}

export async function ensureSystemObjects(store: Store, clock: Clock = systemClock): Promise<void> {
  for (const [type, object] of systemObjects(timestamp(clock.now()))) {
    try {
      await store.create(storageKey(type, object.metadata?.namespace, object.metadata!.name!), encodeObject(object));
    } catch (error) {
      if (!(error instanceof KeyExistsError)) throw error;
    }
  }
}
