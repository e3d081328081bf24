// Services and volumes: defaults, cluster IPs and validation, as upstream.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fieldErrorText } from '../../proto/index.js';
import { persistentVolumeClaimStrategy, persistentVolumeStrategy, serviceStrategy } from './core-kinds.js';
import type { KubeObject } from './strategy.js';

const errors = (strategy: { defaults?: (o: KubeObject) => void; validate: (o: KubeObject) => any[] }, object: KubeObject): string[] => {
  const copy = structuredClone(object);
  strategy.defaults?.(copy);
  return strategy.validate(copy).map(fieldErrorText);
};

describe('services', () => {
  test('a service gets a cluster IP from 10.96.0.0/12 and upstream defaults', () => {
    const service: KubeObject = { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } };
    serviceStrategy.assignOnCreate!(service, []);
    serviceStrategy.defaults!(service);
    const spec = service.spec as any;
    assert.match(spec.clusterIP, /^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/);
    assert.deepEqual(spec.clusterIPs, [spec.clusterIP]);
    assert.deepEqual(spec.ports, [{ port: 80, protocol: 'TCP', targetPort: 80 }]);
    assert.equal(spec.type, 'ClusterIP');
    assert.equal(spec.sessionAffinity, 'None');
    assert.deepEqual(spec.ipFamilies, ['IPv4']);
  });

  test('no two services get the same cluster IP, and a headless one gets none', () => {
    const ips = new Set<string>();
    const existing: KubeObject[] = [];
    for (let i = 0; i < 200; i++) {
      const s: KubeObject = { metadata: { name: `s${i}` }, spec: { ports: [{ port: 80 }] } };
      serviceStrategy.assignOnCreate!(s, existing);
      ips.add((s.spec as any).clusterIP);
      existing.push(s);
    }
    assert.equal(ips.size, 200);
    const headless: KubeObject = { metadata: { name: 'nginx' }, spec: { clusterIP: 'None', ports: [{ port: 80, name: 'web' }] } };
    serviceStrategy.assignOnCreate!(headless, existing);
    assert.equal((headless.spec as any).clusterIP, 'None');
  });

  test('a NodePort service gets a free node port of 30000-32767 for each port; one asked for must be free and in range', () => {
    const existing: KubeObject[] = [{ metadata: { name: 'old' }, spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] } }];
    const service: KubeObject = { metadata: { name: 'web' }, spec: { type: 'NodePort', ports: [{ port: 80 }, { port: 443, nodePort: 30443 }] } };
    serviceStrategy.assignOnCreate!(service, existing);
    serviceStrategy.defaults!(service);
    const spec = service.spec as { ports: [{ nodePort: number }, { nodePort: number }]; externalTrafficPolicy?: string };
    const allocated = spec.ports[0].nodePort;
    assert.ok(allocated >= 30000 && allocated <= 32767 && allocated !== 30080 && allocated !== 30443);
    assert.equal(spec.ports[1].nodePort, 30443);
    assert.equal(spec.externalTrafficPolicy, 'Cluster');
    const clash: KubeObject = { metadata: { name: 'clash' }, spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }, { port: 81, nodePort: 80 }] } };
    assert.throws(
      () => serviceStrategy.assignOnCreate!(clash, existing),
      /spec.ports\[0\].nodePort: Invalid value: 30080: provided port is already allocated, spec.ports\[1\].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767/,
    );
    const clusterIP: KubeObject = { metadata: { name: 'internal' }, spec: { ports: [{ port: 80 }] } };
    serviceStrategy.assignOnCreate!(clusterIP, existing);
    assert.equal((clusterIP.spec as { ports: { nodePort?: number }[] }).ports[0]!.nodePort, undefined);
  });

  test('a service needs ports, valid port numbers and names when it has several', () => {
    assert.deepEqual(errors(serviceStrategy, { metadata: { name: 's' }, spec: {} }), ['spec.ports: Required value']);
    assert.deepEqual(errors(serviceStrategy, { metadata: { name: 's' }, spec: { ports: [{ port: 0 }, { port: 80, protocol: 'HTTP' }], type: 'Fancy' } }), [
      'spec.type: Unsupported value: "Fancy": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
      'spec.ports[0].name: Required value',
      'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      // targetPort defaults to the port, and is as wrong.
      'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
      'spec.ports[1].name: Required value',
      'spec.ports[1].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
    ]);
  });
});

describe('volumes', () => {
  test('a PersistentVolume needs capacity, access modes and one volume source', () => {
    assert.deepEqual(errors(persistentVolumeStrategy, { metadata: { name: 'pv' }, spec: {} }), [
      'spec.accessModes: Required value',
      'spec.capacity: Required value',
      'spec: Required value: must specify a volume type',
    ]);
    const pv: KubeObject = { metadata: { name: 'pv001' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/tmp/pv001' } } };
    assert.deepEqual(errors(persistentVolumeStrategy, pv), []);
    persistentVolumeStrategy.defaults!(pv);
    assert.equal((pv.spec as any).persistentVolumeReclaimPolicy, 'Retain');
    assert.equal((pv.spec as any).volumeMode, 'Filesystem');
  });

  test('a claim needs a storage request, and its spec is fixed after creation but for the request', () => {
    assert.deepEqual(errors(persistentVolumeClaimStrategy, { metadata: { name: 'c' }, spec: { accessModes: ['ReadWriteOnce'] } }), ['spec.resources[storage]: Required value']);
    const old: KubeObject = { metadata: { name: 'c' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
    const grown = structuredClone(old);
    (grown.spec as any).resources.requests.storage = '2Gi';
    assert.deepEqual(persistentVolumeClaimStrategy.validateUpdate!(grown, old), []);
    const changed = structuredClone(old);
    (changed.spec as any).accessModes = ['ReadWriteMany'];
    assert.deepEqual(persistentVolumeClaimStrategy.validateUpdate!(changed, old).map(fieldErrorText), [
      'spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
    ]);
  });
});
