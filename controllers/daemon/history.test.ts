import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ControllerRevision } from 'kubernetes-types/apps/v1.js';
import { adoptPatch, claimObjects, releasePatch } from '../runtime/claim.js';
import { canonicalJson, computeHash, fnv32a, newRevision, revisionsToPrune, safeEncodeString, viewHistory } from './history.js';
import { daemonSetCounts, statusPatch } from './status.js';
import { controllerRefTo } from './pods.js';
import { daemonPod, daemonSet, stateOf, T0 } from './test-support.js';

const revision = (name: string, number: number, hash: string): ControllerRevision => ({ metadata: { name, labels: { 'controller-revision-hash': hash } }, revision: number, data: {} });

describe('revision hash and naming (upstream ComputeHash over canonical JSON)', () => {
  test('FNV-32a and SafeEncodeString as Go computes them', () => {
    assert.equal(fnv32a(new TextEncoder().encode('')), 0x811c9dc5);
    assert.equal(fnv32a(new TextEncoder().encode('a')), 0xe40c292c);
    assert.equal(safeEncodeString('0123456789'), '456789bcdf');
  });

  test('the hash ignores key order, changes with the template and with collisionCount', () => {
    assert.equal(computeHash({ a: 1, b: { c: 2, d: 3 } }), computeHash({ b: { d: 3, c: 2 }, a: 1 }));
    assert.notEqual(computeHash({ a: 1 }), computeHash({ a: 2 }));
    assert.notEqual(computeHash({ a: 1 }), computeHash({ a: 1 }, 1));
    assert.match(computeHash({ a: 1 }), /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    assert.equal(canonicalJson({ b: [1, { y: 1, x: 2 }], a: null }), '{"a":null,"b":[1,{"x":2,"y":1}]}');
  });

  test('a revision: named <ds>-<hash>, template labels plus the hash, owned, data the replace patch', () => {
    const ds = daemonSet();
    const r = newRevision(ds, 1);
    const hash = computeHash(ds.spec?.template);
    assert.equal(r.metadata?.name, `fluentd-${hash}`);
    assert.deepEqual(r.metadata?.labels, { name: 'fluentd', 'controller-revision-hash': hash });
    assert.equal(r.metadata?.ownerReferences?.[0]?.uid, 'ds-uid');
    assert.deepEqual(r.data, { spec: { template: { ...ds.spec?.template, $patch: 'replace' } } });
    assert.equal(r.revision, 1);
  });

  test('the current revision is the one holding the template; the next number follows the old ones', () => {
    const ds = daemonSet();
    const current = newRevision(ds, 1);
    const view = viewHistory(ds, [current, revision('fluentd-x', 2, 'x')]);
    assert.deepEqual([view.current.map((r) => r.revision), view.old.map((r) => r.revision), view.nextRevision], [[1], [2], 3]);
  });

  test('pruning beyond revisionHistoryLimit: oldest first, never one a pod still carries', () => {
    const ds = daemonSet();
    ds.spec!.revisionHistoryLimit = 1;
    const old = [revision('r3', 3, 'h3'), revision('r1', 1, 'h1'), revision('r2', 2, 'h2old')];
    const pruned = revisionsToPrune(ds, old, [daemonPod('a', 'node-2', { version: 'old' })]);
    assert.deepEqual(pruned.map((r) => r.metadata?.name), ['r2', 'r3']);
    ds.spec!.revisionHistoryLimit = 10;
    assert.deepEqual(revisionsToPrune(ds, old, []), []);
  });
});

describe('claiming pods (upstream ControllerRefManager)', () => {
  const ds = daemonSet();
  const matches = (labels: Record<string, string>) => labels.name === 'fluentd';
  test('owned and matching kept, orphans adopted, owned but unmatched released, others ignored', () => {
    const mine = daemonPod('mine', 'node-2');
    const orphan = { ...daemonPod('orphan', 'node-3'), metadata: { ...daemonPod('orphan', 'node-3').metadata, ownerReferences: [] } };
    const relabelled = { ...daemonPod('relabelled', 'node-2'), metadata: { ...daemonPod('relabelled', 'node-2').metadata, labels: { name: 'other' } } };
    const foreign = { ...daemonPod('foreign', 'node-2'), metadata: { ...daemonPod('foreign', 'node-2').metadata, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x', uid: 'rs', controller: true }] } };
    const claim = claimObjects(ds, [mine, orphan, relabelled, foreign], matches);
    assert.deepEqual([claim.owned, claim.adopt, claim.release].map((l) => l.map((p) => p.metadata?.name)), [['mine', 'orphan'], ['orphan'], ['relabelled']]);
  });
  test('patches carry the object uid as a precondition', () => {
    assert.deepEqual(adoptPatch('Pod', controllerRefTo(ds), daemonPod('p', 'node-2')).patch, {
      metadata: { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'fluentd', uid: 'ds-uid', controller: true, blockOwnerDeletion: true }], uid: 'uid-p' },
    });
    assert.deepEqual(releasePatch('Pod', ds.metadata?.uid, daemonPod('p', 'node-2')).patch, { metadata: { ownerReferences: [{ $patch: 'delete', uid: 'ds-uid' }], uid: 'uid-p' } });
  });
});

describe('status (upstream updateDaemonSetStatus)', () => {
  test('S1 counts mid-rollout: desired, current, ready, available, updated, misscheduled', () => {
    const ds = daemonSet({ minReadySeconds: 30 });
    const pods = [daemonPod('a', 'node-1'), daemonPod('b', 'node-2', { version: 'old' }), daemonPod('c', 'node-3', { readySince: T0 - 10_000 })];
    assert.deepEqual(daemonSetCounts(stateOf(ds, pods)), {
      desiredNumberScheduled: 2,
      currentNumberScheduled: 2,
      numberMisscheduled: 1,
      numberReady: 2,
      updatedNumberScheduled: 1,
      numberAvailable: 1,
      numberUnavailable: 1,
    });
  });
  test('written only on change, observedGeneration only when the sync acted; zeros Go omits are removed', () => {
    const ds = daemonSet();
    const counts = daemonSetCounts(stateOf(ds, []));
    const patch = statusPatch(ds, counts, true)!;
    assert.deepEqual(patch.patch, { status: { observedGeneration: 1, desiredNumberScheduled: 2, currentNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0, updatedNumberScheduled: null, numberAvailable: null, numberUnavailable: 2 } });
    assert.equal(patch.subresource, 'status');
    const written = { ...ds, status: { observedGeneration: 1, ...counts } };
    assert.equal(statusPatch(written, counts, true), undefined);
    assert.equal((statusPatch(written, { ...counts, numberReady: 1 }, false)!.patch as { status: Record<string, unknown> }).status.observedGeneration, undefined);
  });
});
