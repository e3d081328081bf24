import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { labelSelectorFromSet } from '../../proto/index.js';
import type { Plan } from '../runtime/plan.js';
import { desiredPortGroups, planEndpointSlices, type EndpointSliceInput } from './plan.js';

const service = (spec: Service['spec'] = {}): Service => ({
  metadata: { name: 'nginx', namespace: 'default', uid: 'svc-uid', labels: { app: 'nginx' } },
  spec: { selector: { app: 'nginx' }, ports: [{ name: 'web', port: 80, targetPort: 'web', protocol: 'TCP' }], ...spec },
});

interface PodShape {
  ready?: boolean;
  deleting?: boolean;
  phase?: string;
  labels?: Record<string, string>;
  hostname?: string;
  subdomain?: string;
  port?: number;
  node?: string;
}

function pod(name: string, ip: string | undefined, shape: PodShape = {}): Pod {
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: shape.labels ?? { app: 'nginx' }, ...(shape.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: { nodeName: shape.node ?? 'node-2', hostname: shape.hostname, subdomain: shape.subdomain, containers: [{ name: 'nginx', ports: shape.port === undefined ? [{ name: 'web', containerPort: 80 }] : [{ name: 'web', containerPort: shape.port }] }] },
    status: { phase: shape.phase ?? 'Running', ...(ip ? { podIP: ip } : {}), conditions: [{ type: 'Ready', status: shape.ready === false ? 'False' : 'True' }] },
  };
}

const selector = labelSelectorFromSet({ app: 'nginx' });
const zones: Record<string, string> = { 'node-3': 'zone-b' };
const input = (over: Partial<EndpointSliceInput> = {}): EndpointSliceInput => ({ service: service(), selector, pods: [], zoneOf: (n) => zones[n], slices: [], ...over });
const created = (plan: Plan) => (plan.creates ?? []).map((c) => c.object as unknown as EndpointSlice);
const LABELS = { app: 'nginx', 'kubernetes.io/service-name': 'nginx', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' };

/** A slice as the server keeps one this controller made. */
function existing(name: string, from: EndpointSlice, resourceVersion = '7'): EndpointSlice {
  return { ...from, metadata: { ...from.metadata, name, uid: `uid-${name}`, resourceVersion } };
}

describe('EndpointSlices of a service (upstream endpointslice reconciler)', () => {
  test('one slice per service: generateName, labels, owner, IPv4, the ports and one endpoint per pod with its conditions', () => {
    const plan = planEndpointSlices(input({ pods: [pod('web-1', '10.244.3.2', { hostname: 'web-1', subdomain: 'nginx', node: 'node-3' }), pod('web-0', '10.244.2.2', { hostname: 'web-0', subdomain: 'nginx' })] }));
    assert.equal(plan.patches.length + plan.deletes.length, 0);
    assert.deepEqual(created(plan), [
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          generateName: 'nginx-',
          namespace: 'default',
          labels: LABELS,
          ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'nginx', uid: 'svc-uid', controller: true, blockOwnerDeletion: true }],
        },
        addressType: 'IPv4',
        endpoints: [
          { addresses: ['10.244.2.2'], conditions: { ready: true, serving: true, terminating: false }, hostname: 'web-0', targetRef: { kind: 'Pod', namespace: 'default', name: 'web-0', uid: 'uid-web-0' }, nodeName: 'node-2' },
          { addresses: ['10.244.3.2'], conditions: { ready: true, serving: true, terminating: false }, hostname: 'web-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'web-1', uid: 'uid-web-1' }, nodeName: 'node-3', zone: 'zone-b' },
        ],
        ports: [{ name: 'web', protocol: 'TCP', port: 80 }],
      },
    ]);
  });

  const conditionCases: { name: string; pod: Pod; publishNotReady?: boolean; want: { ready: boolean; serving: boolean; terminating: boolean } | 'left out' }[] = [
    { name: 'a ready pod is ready and serving', pod: pod('a', '10.0.0.1'), want: { ready: true, serving: true, terminating: false } },
    { name: 'a pod not ready is neither', pod: pod('a', '10.0.0.1', { ready: false }), want: { ready: false, serving: false, terminating: false } },
    { name: 'a terminating ready pod is serving, terminating, not ready', pod: pod('a', '10.0.0.1', { deleting: true }), want: { ready: false, serving: true, terminating: true } },
    { name: 'publishNotReadyAddresses makes every pod ready', pod: pod('a', '10.0.0.1', { ready: false, deleting: true }), publishNotReady: true, want: { ready: true, serving: false, terminating: true } },
    { name: 'a pod without an IP is left out', pod: pod('a', undefined), want: 'left out' },
    { name: 'a finished pod is left out', pod: pod('a', '10.0.0.1', { phase: 'Succeeded' }), want: 'left out' },
    { name: 'a pod the selector does not match is left out', pod: pod('a', '10.0.0.1', { labels: { app: 'db' } }), want: 'left out' },
  ];
  for (const c of conditionCases) {
    test(c.name, () => {
      const groups = desiredPortGroups(service({ publishNotReadyAddresses: c.publishNotReady }), selector, [c.pod], () => undefined);
      if (c.want === 'left out') assert.deepEqual(groups, []);
      else assert.deepEqual(groups[0]?.endpoints[0]?.conditions, c.want);
    });
  }

  test('pods resolving a named port differently go in separate slices; one resolving none in a slice without ports', () => {
    const groups = desiredPortGroups(service(), selector, [pod('a', '10.0.0.1'), pod('b', '10.0.0.2', { port: 8080 }), { ...pod('c', '10.0.0.3'), spec: { containers: [{ name: 'x' }] } }], () => undefined);
    assert.deepEqual(
      groups.map((g) => [g.ports.map((p) => p.port), g.endpoints.map((e) => e.addresses[0])]),
      [
        [[80], ['10.0.0.1']],
        [[8080], ['10.0.0.2']],
        [[], ['10.0.0.3']],
      ],
    );
  });

  test('a service matching no pod gets one placeholder slice without ports or endpoints, kept while it stays empty', () => {
    const [placeholder] = created(planEndpointSlices(input()));
    assert.deepEqual([placeholder?.ports, placeholder?.endpoints], [[], []]);
    const kept = planEndpointSlices(input({ slices: [existing('nginx-abcde', placeholder!)] }));
    assert.deepEqual([kept.creates, kept.patches, kept.deletes], [[], [], []]);
    // Once a pod comes, the slice of its ports replaces the placeholder.
    const filled = planEndpointSlices(input({ slices: [existing('nginx-abcde', placeholder!)], pods: [pod('a', '10.0.0.1')] }));
    assert.deepEqual(created(filled).map((s) => s.endpoints.length), [1]);
    assert.deepEqual(filled.deletes.map((d) => [d.name, d.preconditions?.uid]), [['nginx-abcde', 'uid-nginx-abcde']]);
  });

  test('a slice is patched, guarded by its resourceVersion, only when its endpoints, ports or labels changed', () => {
    const pods = [pod('a', '10.0.0.1')];
    const slice = existing('nginx-abcde', created(planEndpointSlices(input({ pods })))[0]!);
    assert.deepEqual(planEndpointSlices(input({ pods, slices: [slice] })).patches, []);
    const plan = planEndpointSlices(input({ pods: [...pods, pod('b', '10.0.0.2', { ready: false })], slices: [slice] }));
    assert.deepEqual([plan.creates, plan.deletes], [[], []]);
    const patch = plan.patches[0]!.patch as { metadata: { resourceVersion: string }; endpoints: { addresses: string[] }[] };
    assert.equal(patch.metadata.resourceVersion, '7');
    assert.deepEqual(patch.endpoints.map((e) => e.addresses[0]), ['10.0.0.1', '10.0.0.2']);
    const headless = planEndpointSlices(input({ service: service({ clusterIP: 'None' }), pods, slices: [slice] }));
    assert.deepEqual((headless.patches[0]!.patch as { metadata: { labels: object } }).metadata.labels, { ...LABELS, 'service.kubernetes.io/headless': '' });
  });

  test('more endpoints than fit one slice fill several, of at most maxEndpointsPerSlice; extra slices are deleted when they shrink', () => {
    const pods = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5'].map((ip, i) => pod(`p${i}`, ip));
    const made = created(planEndpointSlices(input({ pods, maxEndpointsPerSlice: 2 })));
    assert.deepEqual(made.map((s) => s.endpoints.map((e) => e.addresses[0])), [['10.0.0.1', '10.0.0.2'], ['10.0.0.3', '10.0.0.4'], ['10.0.0.5']]);
    const slices = made.map((s, i) => existing(`nginx-${i}`, s));
    const shrunk = planEndpointSlices(input({ pods: pods.slice(0, 3), slices, maxEndpointsPerSlice: 2 }));
    assert.deepEqual(shrunk.patches.map((p) => p.name), ['nginx-1']);
    assert.deepEqual(shrunk.deletes.map((d) => d.name), ['nginx-2']);
  });

  test('a service without a selector, or gone, is left alone (the garbage collector removes the slices of a deleted service)', () => {
    const slice = existing('nginx-abcde', created(planEndpointSlices(input()))[0]!);
    for (const plan of [planEndpointSlices(input({ selector: undefined, slices: [slice] })), planEndpointSlices(input({ service: undefined, slices: [slice] }))]) {
      assert.deepEqual([plan.creates, plan.patches, plan.deletes], [[], [], []]);
    }
  });
});
