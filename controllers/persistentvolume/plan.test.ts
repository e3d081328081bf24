import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import { findBestMatchForClaim } from './matching.js';
import { planClaim, planVolume } from './plan.js';
import { planProvision, SIMULATED_PROVISIONER } from './provision.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');

function pv(name: string, size: string, more: { modes?: string[]; class?: string; labels?: Record<string, string>; policy?: string; claimRef?: PersistentVolume['spec'] extends infer S ? (S extends { claimRef?: infer C } ? C : never) : never; phase?: string; annotations?: Record<string, string> } = {}): PersistentVolume {
  return {
    metadata: { name, uid: `uid-${name}`, resourceVersion: '7', labels: more.labels, annotations: more.annotations },
    spec: {
      capacity: { storage: size },
      accessModes: more.modes ?? ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: more.policy ?? 'Retain',
      hostPath: { path: `/tmp/${name}` },
      ...(more.class !== undefined ? { storageClassName: more.class } : {}),
      ...(more.claimRef ? { claimRef: more.claimRef } : {}),
    },
    status: { phase: more.phase ?? 'Available' },
  };
}

function pvc(name: string, size: string, more: { modes?: string[]; class?: string; selector?: Record<string, string>; volumeName?: string; annotations?: Record<string, string>; phase?: string } = {}): PersistentVolumeClaim {
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '3', annotations: more.annotations },
    spec: {
      accessModes: more.modes ?? ['ReadWriteOnce'],
      resources: { requests: { storage: size } },
      ...(more.class !== undefined ? { storageClassName: more.class } : {}),
      ...(more.selector ? { selector: { matchLabels: more.selector } } : {}),
      ...(more.volumeName ? { volumeName: more.volumeName } : {}),
    },
    status: { phase: more.phase ?? 'Pending' },
  };
}

const standard: StorageClass = { metadata: { name: 'standard' }, provisioner: SIMULATED_PROVISIONER, reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' };

describe('findBestMatchForClaim', () => {
  const volumes = [
    pv('big', '10Gi'),
    pv('small', '1Gi', { labels: { release: 'stable' } }),
    pv('tiny', '500Mi'),
    pv('fast', '1Gi', { class: 'fast' }),
    pv('many-modes', '1Gi', { modes: ['ReadWriteOnce', 'ReadOnlyMany'] }),
    pv('shared', '2Gi', { modes: ['ReadWriteMany'] }),
    pv('taken', '1Gi', { phase: 'Bound', claimRef: { namespace: 'default', name: 'other', uid: 'uid-other' } }),
    pv('released', '1Gi', { phase: 'Released' }),
  ];
  const cases: [string, PersistentVolumeClaim, string | undefined][] = [
    ['the smallest volume that is big enough, of the fewest access modes', pvc('c', '1Gi'), 'small'],
    ['a bigger request skips the small ones', pvc('c', '2Gi'), 'big'],
    ['a claim of no class matches only volumes of no class', pvc('c', '1Gi', { class: '' }), 'small'],
    ['a claim of a class matches only that class', pvc('c', '1Gi', { class: 'fast' }), 'fast'],
    ['access modes must all be offered', pvc('c', '1Gi', { modes: ['ReadWriteMany'] }), 'shared'],
    ['a mode no volume offers finds nothing', pvc('c', '1Gi', { modes: ['ReadWriteOncePod'] }), undefined],
    ['the selector release: stable picks the labelled volume', pvc('c', '100Mi', { selector: { release: 'stable' } }), 'small'],
    ['a selector nobody matches finds nothing', pvc('c', '1Gi', { selector: { release: 'canary' } }), undefined],
    ['a volume pre-bound to the claim wins', pvc('other', '1Gi'), 'taken'],
    ['too big a request finds nothing', pvc('c', '20Gi'), undefined],
  ];
  for (const [name, claim, want] of cases) test(name, () => assert.equal(findBestMatchForClaim(claim, volumes)?.metadata?.name, want));
});

describe('planClaim', () => {
  test('binds both sides with upstream annotations, claimRef, phases, capacity and access modes', () => {
    const plan = planClaim({ claim: pvc('www-web-0', '1Gi'), volumes: [pv('pv002', '1Gi'), pv('pv001', '1Gi')], classes: [], now: NOW });
    assert.deepEqual(
      plan.patches.map((p) => [p.kind, p.name, p.subresource ?? 'main', p.patch]),
      [
        [
          'PersistentVolume',
          'pv001',
          'main',
          {
            metadata: { resourceVersion: '7', annotations: { 'pv.kubernetes.io/bound-by-controller': 'yes' } },
            spec: { claimRef: { kind: 'PersistentVolumeClaim', namespace: 'default', name: 'www-web-0', uid: 'uid-www-web-0', apiVersion: 'v1', resourceVersion: '3' } },
          },
        ],
        ['PersistentVolume', 'pv001', 'status', { status: { phase: 'Bound', lastPhaseTransitionTime: '2026-01-01T00:00:00Z' } }],
        [
          'PersistentVolumeClaim',
          'www-web-0',
          'main',
          { metadata: { annotations: { 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' } }, spec: { volumeName: 'pv001' } },
        ],
        ['PersistentVolumeClaim', 'www-web-0', 'status', { status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } } }],
      ],
    );
  });

  test('a class-less claim with no volume waits with FailedBinding', () => {
    const plan = planClaim({ claim: pvc('c', '1Gi'), volumes: [], classes: [standard], now: NOW });
    assert.deepEqual(plan.events.map((e) => [e.type, e.reason, e.message]), [['Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set']]);
    assert.deepEqual(plan.patches, []);
    assert.ok(plan.requeueAfterMs);
  });

  test('a claim of a provisioned class is handed to its provisioner', () => {
    const plan = planClaim({ claim: pvc('c', '1Gi', { class: 'standard' }), volumes: [], classes: [standard], now: NOW });
    assert.deepEqual(plan.events.map((e) => e.reason), ['ExternalProvisioning']);
    assert.deepEqual(plan.patches[0]!.patch, { metadata: { annotations: { 'volume.kubernetes.io/storage-provisioner': SIMULATED_PROVISIONER, 'volume.beta.kubernetes.io/storage-provisioner': SIMULATED_PROVISIONER } } });
  });

  test('a claim of a class that does not exist says so', () => {
    const plan = planClaim({ claim: pvc('c', '1Gi', { class: 'gold' }), volumes: [], classes: [standard], now: NOW });
    assert.deepEqual(plan.events.map((e) => [e.type, e.reason, e.message]), [['Warning', 'ProvisioningFailed', 'storageclass.storage.k8s.io "gold" not found']]);
  });

  test('a bound claim whose volume is gone is Lost', () => {
    const plan = planClaim({ claim: pvc('c', '1Gi', { volumeName: 'pv001', annotations: { 'pv.kubernetes.io/bind-completed': 'yes' }, phase: 'Bound' }), volumes: [], classes: [], now: NOW });
    assert.deepEqual(plan.events.map((e) => e.reason), ['ClaimLost']);
    assert.deepEqual(plan.patches.map((p) => p.patch), [{ status: { phase: 'Lost' } }]);
  });

  test('a claim naming a volume too small for it is told so', () => {
    const plan = planClaim({ claim: pvc('c', '5Gi', { volumeName: 'pv001' }), volumes: [pv('pv001', '1Gi')], classes: [], now: NOW });
    assert.deepEqual(plan.events.map((e) => e.message), ['Cannot bind to requested volume "pv001": requested PV is too small']);
  });

  test('a bound claim already in step changes nothing', () => {
    const made = pvc('c', '1Gi', { volumeName: 'pv001', annotations: { 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' }, phase: 'Bound' });
    const claim = { ...made, status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } } };
    const volume = pv('pv001', '1Gi', { phase: 'Bound', claimRef: { namespace: 'default', name: 'c', uid: 'uid-c' } });
    assert.deepEqual(planClaim({ claim, volumes: [volume], classes: [], now: NOW }).patches, []);
  });
});

describe('planVolume: reclaim policies once the claim is gone', () => {
  const bound = (policy: string) =>
    pv('pv001', '1Gi', { policy, phase: 'Bound', claimRef: { namespace: 'default', name: 'www-web-0', uid: 'uid-www-web-0' }, annotations: { 'pv.kubernetes.io/bound-by-controller': 'yes' } });
  test('Retain: the volume is Released and keeps its claimRef', () => {
    const plan = planVolume({ volume: bound('Retain'), claim: undefined, now: NOW });
    assert.deepEqual(plan.patches.map((p) => p.patch), [{ status: { phase: 'Released', lastPhaseTransitionTime: '2026-01-01T00:00:00Z' } }]);
    assert.deepEqual(plan.deletes, []);
  });
  test('Delete: the volume is deleted', () => {
    const plan = planVolume({ volume: bound('Delete'), claim: undefined, now: NOW });
    assert.deepEqual(plan.deletes.map((d) => [d.kind, d.name, d.preconditions]), [['PersistentVolume', 'pv001', { uid: 'uid-pv001' }]]);
  });
  test('Recycle: the volume is Available again, its claimRef cleared', () => {
    const plan = planVolume({ volume: bound('Recycle'), claim: undefined, now: NOW });
    assert.deepEqual(plan.events.map((e) => [e.reason, e.message]), [['VolumeRecycled', 'Volume recycled']]);
    assert.deepEqual(plan.patches.map((p) => p.patch), [
      { metadata: { resourceVersion: '7', annotations: { 'pv.kubernetes.io/bound-by-controller': null } }, spec: { claimRef: null } },
      { status: { phase: 'Available', lastPhaseTransitionTime: '2026-01-01T00:00:00Z' } },
    ]);
  });
  test('a claim of the same name but another uid is not the bound one', () => {
    const recreated = pvc('www-web-0', '1Gi');
    const plan = planVolume({ volume: bound('Retain'), claim: { ...recreated, metadata: { ...recreated.metadata, uid: 'uid-new' } }, now: NOW });
    assert.equal(plan.patches.length, 1);
    assert.deepEqual(plan.patches.map((p) => p.patch), [{ status: { phase: 'Released', lastPhaseTransitionTime: '2026-01-01T00:00:00Z' } }]);
  });
  test('a new volume without a claim becomes Available', () => {
    const fresh = pv('pv001', '1Gi', { phase: 'Pending' });
    assert.deepEqual(planVolume({ volume: fresh, claim: undefined, now: NOW }).patches.map((p) => p.patch), [{ status: { phase: 'Available', lastPhaseTransitionTime: '2026-01-01T00:00:00Z' } }]);
  });
});

describe('planProvision', () => {
  const handed = pvc('data', '3Gi', { class: 'standard', annotations: { 'volume.kubernetes.io/storage-provisioner': SIMULATED_PROVISIONER } });
  test('provisions pvc-<uid> of the requested size and the class reclaim policy, pre-bound to the claim', () => {
    const provisioning = planProvision({ claim: handed, classes: [standard], volumeExists: () => false, provisioner: SIMULATED_PROVISIONER })!;
    const volume = provisioning.plan.creates![0]!.object as PersistentVolume;
    assert.equal(volume.metadata?.name, 'pvc-uid-data');
    assert.deepEqual(volume.spec?.capacity, { storage: '3Gi' });
    assert.equal(volume.spec?.persistentVolumeReclaimPolicy, 'Delete');
    assert.equal(volume.spec?.hostPath?.path, '/var/lib/kubelab/pv/pvc-uid-data');
    assert.equal(volume.spec?.claimRef?.uid, 'uid-data');
    assert.deepEqual(provisioning.succeeded.message, 'Successfully provisioned volume pvc-uid-data');
  });
  test('leaves alone claims not handed to it, and claims already provisioned', () => {
    assert.equal(planProvision({ claim: pvc('data', '3Gi', { class: 'standard' }), classes: [standard], volumeExists: () => false, provisioner: SIMULATED_PROVISIONER }), undefined);
    assert.equal(planProvision({ claim: handed, classes: [standard], volumeExists: () => true, provisioner: SIMULATED_PROVISIONER }), undefined);
  });
});
