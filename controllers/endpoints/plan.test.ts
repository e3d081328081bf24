import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Endpoints, Pod, Service } from 'kubernetes-types/core/v1.js';
import { labelSelectorFromSet } from '../../proto/index.js';
import { desiredSubsets, planEndpoints } from './plan.js';

const service = (spec: Service['spec'] = {}): Service => ({
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
  spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }], ...spec },
});

function pod(name: string, ip: string | undefined, shape: { ready?: boolean; labels?: Record<string, string>; phase?: string; deleting?: boolean; hostname?: string; subdomain?: string; ports?: { name: string; containerPort: number }[] } = {}): Pod {
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: shape.labels ?? { app: 'web' }, ...(shape.deleting ? { deletionTimestamp: '2025-01-01T00:00:00Z' } : {}) },
    spec: { nodeName: 'node-2', containers: [{ name: 'c', ports: shape.ports }], hostname: shape.hostname, subdomain: shape.subdomain },
    status: { phase: shape.phase ?? 'Running', ...(ip ? { podIP: ip } : {}), conditions: [{ type: 'Ready', status: shape.ready === false ? 'False' : 'True' }] },
  };
}

const selector = labelSelectorFromSet({ app: 'web' });

describe('endpoints of a service (upstream endpoints controller)', () => {
  test('ready pods are addresses sorted by IP, not-ready ones notReadyAddresses; pods without an IP, finished, deleting or not matching are left out', () => {
    const pods = [
      pod('b', '10.244.2.9'),
      pod('a', '10.244.2.10'),
      pod('slow', '10.244.3.2', { ready: false }),
      pod('new', undefined),
      pod('done', '10.244.3.3', { phase: 'Succeeded' }),
      pod('going', '10.244.3.4', { deleting: true }),
      pod('other', '10.244.3.5', { labels: { app: 'db' } }),
    ];
    assert.deepEqual(desiredSubsets(service(), selector, pods), [
      {
        addresses: [
          { ip: '10.244.2.10', nodeName: 'node-2', targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' } },
          { ip: '10.244.2.9', nodeName: 'node-2', targetRef: { kind: 'Pod', namespace: 'default', name: 'b', uid: 'uid-b' } },
        ],
        notReadyAddresses: [{ ip: '10.244.3.2', nodeName: 'node-2', targetRef: { kind: 'Pod', namespace: 'default', name: 'slow', uid: 'uid-slow' } }],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      },
    ]);
  });

  test('publishNotReadyAddresses lists every pod as an address, terminating ones too', () => {
    const subsets = desiredSubsets(service({ publishNotReadyAddresses: true }), selector, [pod('slow', '10.0.0.2', { ready: false }), pod('going', '10.0.0.3', { deleting: true })]);
    assert.deepEqual(subsets[0]!.addresses?.map((a) => a.ip), ['10.0.0.2', '10.0.0.3']);
    assert.equal(subsets[0]!.notReadyAddresses, undefined);
  });

  test('a named targetPort is looked up in each pod; pods resolving it differently go in separate subsets', () => {
    const named = service({ ports: [{ name: 'http', port: 80, targetPort: 'web' }] });
    const subsets = desiredSubsets(named, selector, [pod('a', '10.0.0.1', { ports: [{ name: 'web', containerPort: 8080 }] }), pod('b', '10.0.0.2', { ports: [{ name: 'web', containerPort: 9090 }] }), pod('c', '10.0.0.3')]);
    assert.deepEqual(
      subsets.map((s) => [s.addresses?.map((a) => a.ip), s.ports?.map((p) => p.port)]),
      [
        [['10.0.0.1'], [8080]],
        [['10.0.0.2'], [9090]],
      ],
    );
  });

  test('a headless service of a StatefulSet publishes hostnames; its Endpoints get the headless label', () => {
    const headless = service({ clusterIP: 'None', ports: [{ name: 'web', port: 80 }] });
    const plan = planEndpoints({ service: headless, selector, pods: [pod('web-0', '10.0.0.5', { hostname: 'web-0', subdomain: 'web' }), pod('x', '10.0.0.6', { hostname: 'x', subdomain: 'other' })], current: undefined, namespace: 'default', name: 'web' });
    const created = plan.creates![0]!.object as Endpoints;
    assert.deepEqual(created.metadata?.labels, { app: 'web', 'service.kubernetes.io/headless': '' });
    assert.deepEqual(created.subsets?.[0]?.addresses?.map((a) => a.hostname), ['web-0', undefined]);
  });

  test('written only when something changed; removed with the service; a service without selector is left alone', () => {
    const svc = service();
    const pods = [pod('a', '10.0.0.1')];
    const current: Endpoints = { metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, resourceVersion: '5' }, subsets: desiredSubsets(svc, selector, pods) };
    const input = { service: svc, selector, pods, current, namespace: 'default', name: 'web' };
    assert.deepEqual(planEndpoints(input), { events: [], patches: [], deletes: [] });
    const patched = planEndpoints({ ...input, pods: [...pods, pod('b', '10.0.0.2')] });
    assert.equal(patched.patches.length, 1);
    assert.deepEqual((patched.patches[0]!.patch as { metadata: { resourceVersion: string } }).metadata.resourceVersion, '5');
    assert.deepEqual(planEndpoints({ ...input, service: undefined }).deletes.map((d) => d.name), ['web']);
    assert.deepEqual(planEndpoints({ ...input, selector: undefined }), { events: [], patches: [], deletes: [] });
  });
});
