// Defaults and validation of pods and workloads, as a real cluster applies them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fieldErrorText, invalid } from '../../proto/index.js';
import { strategies } from './index.js';
import type { KubeObject } from './strategy.js';

function created(kind: string, object: KubeObject): KubeObject {
  const strategy = strategies.get(kind)!;
  const copy = structuredClone(object);
  strategy.defaults?.(copy);
  strategy.prepareForCreate?.(copy);
  return copy;
}

const errorsOf = (kind: string, object: KubeObject): string[] => {
  const strategy = strategies.get(kind)!;
  const copy = structuredClone(object);
  strategy.defaults?.(copy);
  return strategy.validate(copy).map(fieldErrorText);
};

const template = (labels: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  metadata: { labels },
  spec: { containers: [{ name: 'c', image: 'nginx:1.27' }], ...extra },
});

describe('defaults', () => {
  test('a pod gets the pod spec, container and admission defaults of a real cluster', () => {
    const pod = created('Pod', { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }] }] } });
    assert.deepEqual(pod.spec, {
      containers: [
        {
          name: 'c',
          image: 'nginx',
          ports: [{ containerPort: 80, protocol: 'TCP' }],
          imagePullPolicy: 'Always',
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          resources: {},
        },
      ],
      dnsPolicy: 'ClusterFirst',
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      securityContext: {},
      schedulerName: 'default-scheduler',
      enableServiceLinks: true,
      priority: 0,
      preemptionPolicy: 'PreemptLowerPriority',
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
    });
    assert.deepEqual(pod.status, { phase: 'Pending', qosClass: 'BestEffort' });
  });

  test('a tagged image is pulled IfNotPresent; limits become requests and make the pod Guaranteed', () => {
    const pod = created('Pod', {
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image: 'registry:5000/nginx:1.27', resources: { limits: { cpu: '100m', memory: '64Mi' } } }] },
    });
    const container = (pod.spec as any).containers[0];
    assert.equal(container.imagePullPolicy, 'IfNotPresent');
    assert.deepEqual(container.resources.requests, { cpu: '100m', memory: '64Mi' });
    assert.equal((pod.status as any).qosClass, 'Guaranteed');
  });

  test('a DaemonSet gets RollingUpdate with maxUnavailable 1 and maxSurge 0, 10 revisions, and zero counts', () => {
    const ds = created('DaemonSet', { metadata: { name: 'd' }, spec: { selector: { matchLabels: { a: 'b' } }, template: template({ a: 'b' }) } });
    const spec = ds.spec as any;
    assert.deepEqual(spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    assert.equal(spec.revisionHistoryLimit, 10);
    assert.equal(spec.template.spec.restartPolicy, 'Always');
    assert.equal(spec.template.spec.containers[0].imagePullPolicy, 'IfNotPresent');
    assert.deepEqual(ds.status, { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 });
  });

  test('a StatefulSet gets one replica, OrderedReady, partition 0, Retain and claim template defaults', () => {
    const sts = created('StatefulSet', {
      metadata: { name: 'web' },
      spec: {
        serviceName: 'nginx',
        selector: { matchLabels: { app: 'nginx' } },
        template: template({ app: 'nginx' }),
        volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      },
    });
    const spec = sts.spec as any;
    assert.equal(spec.replicas, 1);
    assert.equal(spec.podManagementPolicy, 'OrderedReady');
    assert.deepEqual(spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    assert.deepEqual(spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
    assert.equal(spec.volumeClaimTemplates[0].kind, 'PersistentVolumeClaim');
    assert.equal(spec.volumeClaimTemplates[0].spec.volumeMode, 'Filesystem');
    assert.deepEqual(spec.volumeClaimTemplates[0].status, { phase: 'Pending' });
  });

  test('a ReplicationController takes its selector and labels from the template', () => {
    const rc = created('ReplicationController', { metadata: { name: 'redis' }, spec: { template: template({ app: 'redis', role: 'slave' }) } });
    assert.deepEqual((rc.spec as any).selector, { app: 'redis', role: 'slave' });
    assert.deepEqual(rc.metadata?.labels, { app: 'redis', role: 'slave' });
    assert.equal((rc.spec as any).replicas, 1);
  });
});

describe('validation', () => {
  test('a pod without name, image or a valid restart policy gets upstream messages', () => {
    assert.deepEqual(errorsOf('Pod', { metadata: {}, spec: { containers: [{ name: 'c' }], restartPolicy: 'Sometimes' } }), [
      'metadata.name: Required value: name or generateName is required',
      'spec.containers[0].image: Required value',
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    ]);
  });

  test("a StatefulSet's containers may mount its volumeClaimTemplates; other unknown mounts are refused", () => {
    const mounts = { containers: [{ name: 'nginx', image: 'nginx', volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }] }] };
    const sts = (claims: string[]) => ({
      metadata: { name: 'web' },
      spec: { serviceName: 'nginx', selector: { matchLabels: { app: 'nginx' } }, template: template({ app: 'nginx' }, mounts), volumeClaimTemplates: claims.map((name) => ({ metadata: { name }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } })) },
    });
    assert.deepEqual(errorsOf('StatefulSet', sts(['www'])), []);
    assert.deepEqual(errorsOf('StatefulSet', sts(['data'])), ['spec.template.spec.containers[0].volumeMounts[0].name: Not found: "www"']);
  });

  test('a name with capitals is not a DNS subdomain', () => {
    assert.deepEqual(errorsOf('ConfigMap', { metadata: { name: 'My-Config' } }), [
      `metadata.name: Invalid value: "My-Config": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    ]);
  });

  test('a DaemonSet whose selector does not match its template labels is refused', () => {
    const errors = errorsOf('DaemonSet', { metadata: { name: 'd' }, spec: { selector: { matchLabels: { app: 'x' } }, template: template({ app: 'y' }) } });
    assert.deepEqual(errors, ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"y"}: `selector` does not match template `labels`']);
    const error = invalid('DaemonSet', 'apps', 'd', strategies.get('DaemonSet')!.validate(created('DaemonSet', { metadata: { name: 'd' }, spec: { selector: { matchLabels: { app: 'x' } }, template: template({ app: 'y' }) } })));
    assert.equal(error.message, 'DaemonSet.apps "d" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"y"}: `selector` does not match template `labels`');
  });

  test('a DaemonSet without a selector, or with a pod that does not restart Always, is refused', () => {
    assert.deepEqual(errorsOf('DaemonSet', { metadata: { name: 'd' }, spec: { template: template({ a: 'b' }, { restartPolicy: 'Never' }) } }), [
      'spec.selector: Required value',
      'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    ]);
  });

  test('a ReplicationController with negative replicas or a selector that misses its labels is refused', () => {
    assert.deepEqual(errorsOf('ReplicationController', { metadata: { name: 'r' }, spec: { replicas: -1, selector: { app: 'a' }, template: template({ app: 'b' }) } }), [
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"b"}: selector does not match labels in template',
    ]);
  });

  test('a pod may change its image but not its containers', () => {
    const strategy = strategies.get('Pod')!;
    const old = created('Pod', { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } });
    const newImage = structuredClone(old);
    (newImage.spec as any).containers[0].image = 'nginx:2';
    assert.deepEqual(strategy.validateUpdate!(newImage, old), []);
    const newPort = structuredClone(old);
    (newPort.spec as any).containers[0].ports = [{ containerPort: 80 }];
    assert.match(strategy.validateUpdate!(newPort, old).map(fieldErrorText)[0]!, /^spec: Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`/);
  });
});
