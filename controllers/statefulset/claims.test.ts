import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import { claimOwnerReferences, claimRetentionPatches } from './claims.js';
import { claimName, claimsFor, storageMatches } from './identity.js';
import { planStatefulSet } from './plan.js';
import { setPod, statefulSet, stateOf } from './test-support.js';

describe('claims of volumeClaimTemplates (upstream getPersistentVolumeClaims, updateStorage)', () => {
  test('one claim per template named <template>-<set>-<ordinal>, labelled with the selector, made before the pod that mounts it', () => {
    const set = statefulSet({ claims: true });
    const [action] = planStatefulSet(stateOf(set, [])).actions;
    assert.ok(action?.type === 'create');
    assert.deepEqual(
      action.claims.map((c) => [c.metadata?.name, c.metadata?.namespace, c.metadata?.labels]),
      [['www-web-0', 'default', { tier: 'web', app: 'nginx' }]],
    );
    assert.deepEqual(action.claims[0]?.spec, { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } });
    assert.deepEqual(action.pod.spec?.volumes, [{ name: 'www', persistentVolumeClaim: { claimName: 'www-web-0' } }]);
    assert.ok(storageMatches(set, action.pod, 0));
    assert.equal(claimName(set, 'www', 7), 'www-web-7');
  });

  test('a claim that already exists (a pod made again, or scaled up again) is reused, not made again', () => {
    const set = statefulSet({ claims: true });
    const existing = claimsFor(set, 0)[0]!.claim;
    const [action] = planStatefulSet(stateOf(set, [], { claims: new Map([['www-web-0', existing]]) })).actions;
    assert.ok(action?.type === 'create');
    assert.deepEqual(action.claims, []);
    assert.equal(action.pod.spec?.volumes?.[0]?.persistentVolumeClaim?.claimName, 'www-web-0');
  });
});

describe('persistentVolumeClaimRetentionPolicy (upstream updateClaimOwnerRefForSetAndPod)', () => {
  const setRef = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'set-uid' };
  const cases: { whenDeleted: 'Retain' | 'Delete'; whenScaled: 'Retain' | 'Delete'; inRange: string[]; scaledDown: string[] }[] = [
    { whenDeleted: 'Retain', whenScaled: 'Retain', inRange: [], scaledDown: [] },
    { whenDeleted: 'Delete', whenScaled: 'Retain', inRange: ['StatefulSet'], scaledDown: ['StatefulSet'] },
    { whenDeleted: 'Retain', whenScaled: 'Delete', inRange: [], scaledDown: ['Pod'] },
    { whenDeleted: 'Delete', whenScaled: 'Delete', inRange: ['StatefulSet'], scaledDown: ['Pod'] },
  ];
  for (const c of cases) {
    test(`whenDeleted ${c.whenDeleted}, whenScaled ${c.whenScaled}: owners ${JSON.stringify(c.inRange)} in range, ${JSON.stringify(c.scaledDown)} once scaled down`, () => {
      const set = statefulSet({ replicas: 2, claims: true, whenDeleted: c.whenDeleted, whenScaled: c.whenScaled });
      const claim: PersistentVolumeClaim = claimsFor(set, 0)[0]!.claim;
      assert.deepEqual(claimOwnerReferences(claim, set, setPod(set, 1), 1).map((r) => r.kind), c.inRange);
      assert.deepEqual(claimOwnerReferences(claim, set, setPod(set, 2), 2).map((r) => r.kind), c.scaledDown);
    });
  }

  test('the set is a plain owner (no controller), so the garbage collector deletes the claim with it', () => {
    const set = statefulSet({ claims: true, whenDeleted: 'Delete' });
    assert.deepEqual(claimOwnerReferences(claimsFor(set, 0)[0]!.claim, set, setPod(set, 0), 0), [setRef]);
  });

  test('an existing claim whose owners are right is left alone; a wrong one is patched, other owners kept', () => {
    const set = statefulSet({ claims: true, whenDeleted: 'Delete' });
    const right = { ...claimsFor(set, 0)[0]!.claim, metadata: { ...claimsFor(set, 0)[0]!.claim.metadata, ownerReferences: [setRef] } };
    assert.deepEqual(claimRetentionPatches(set, setPod(set, 0), 0, [right]), []);
    const other = { apiVersion: 'v1', kind: 'ConfigMap', name: 'x', uid: 'x' };
    const wrong = { ...right, metadata: { ...right.metadata, ownerReferences: [other] } };
    const [patch] = claimRetentionPatches(set, setPod(set, 0), 0, [wrong]);
    assert.deepEqual((patch?.patch as { metadata: { ownerReferences: unknown } }).metadata.ownerReferences, [other, setRef]);
  });
});
