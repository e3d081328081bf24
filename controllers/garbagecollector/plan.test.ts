import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { OwnershipGraph, type ObjectIdentity } from './graph.js';
import { classifyOwner, planAttemptToDelete, planOrphanDependents, planRemoveFinalizer, type LiveObject, type OwnerState } from './plan.js';

const ref = (uid: string, block = false): OwnerReference => ({ apiVersion: 'v1', kind: 'ReplicationController', name: `rc-${uid}`, uid, ...(block ? { blockOwnerDeletion: true } : {}) });
const pod = (owners: OwnerReference[], finalizers?: string[]): LiveObject => ({
  metadata: { name: 'web', namespace: 'default', uid: 'pod-uid', resourceVersion: '12', ownerReferences: owners, ...(finalizers ? { finalizers } : {}) },
});

describe('classifyOwner (upstream classifyReferences)', () => {
  test('an owner not found, or found with another uid, is dangling', () => {
    assert.equal(classifyOwner(ref('a'), undefined), 'dangling');
    assert.equal(classifyOwner(ref('a'), { metadata: { uid: 'b' } }), 'dangling');
  });
  test('an owner being deleted with foregroundDeletion waits for its dependents; otherwise it is solid', () => {
    assert.equal(classifyOwner(ref('a'), { metadata: { uid: 'a', deletionTimestamp: 'now', finalizers: ['foregroundDeletion'] } }), 'waitingForDependentsDeletion');
    assert.equal(classifyOwner(ref('a'), { metadata: { uid: 'a', deletionTimestamp: 'now', finalizers: ['orphan'] } }), 'solid');
    assert.equal(classifyOwner(ref('a'), { metadata: { uid: 'a' } }), 'solid');
  });
});

describe('planAttemptToDelete (upstream attemptToDeleteItem)', () => {
  const cases: {
    name: string;
    owners: OwnerReference[];
    states: Record<string, OwnerState>;
    finalizers?: string[];
    hasDependents?: boolean;
    dependentDeleting?: boolean;
    want: { deletes?: { policy: string; rv?: string }[]; ownerReferences?: OwnerReference[] | null; unblock?: boolean };
  }[] = [
    { name: 'no owners: nothing', owners: [], states: {}, want: {} },
    { name: 'its one owner exists: kept', owners: [ref('a')], states: { a: 'solid' }, want: {} },
    { name: 'its one owner gone: deleted in the background', owners: [ref('a')], states: { a: 'dangling' }, want: { deletes: [{ policy: 'Background', rv: '12' }] } },
    {
      name: 'two owners, one gone: only the dangling reference goes',
      owners: [ref('a'), ref('b')],
      states: { a: 'dangling', b: 'solid' },
      want: { ownerReferences: [ref('b')] },
    },
    {
      name: 'one owner left, one waiting in the foreground: the waiting reference goes too',
      owners: [ref('a', true), ref('b'), ref('c')],
      states: { a: 'waitingForDependentsDeletion', b: 'solid', c: 'dangling' },
      want: { ownerReferences: [ref('b')] },
    },
    { name: 'all owners gone: deleted', owners: [ref('a'), ref('b')], states: { a: 'dangling', b: 'dangling' }, want: { deletes: [{ policy: 'Background', rv: '12' }] } },
    {
      name: 'its owner waits, it has no dependents: deleted (background)',
      owners: [ref('a', true)],
      states: { a: 'waitingForDependentsDeletion' },
      want: { deletes: [{ policy: 'Background', rv: '12' }] },
    },
    {
      name: 'its owner waits and it has dependents: deleted in the foreground, so they go first',
      owners: [ref('a', true)],
      states: { a: 'waitingForDependentsDeletion' },
      hasDependents: true,
      want: { deletes: [{ policy: 'Foreground', rv: '12' }] },
    },
    {
      name: 'a dependent of it also waits (a cycle): its references are unblocked first',
      owners: [ref('a', true)],
      states: { a: 'waitingForDependentsDeletion' },
      hasDependents: true,
      dependentDeleting: true,
      want: { unblock: true, deletes: [{ policy: 'Foreground' }] },
    },
    { name: 'an orphan finalizer on the item is honoured', owners: [ref('a')], states: { a: 'dangling' }, finalizers: ['orphan'], want: { deletes: [{ policy: 'Orphan', rv: '12' }] } },
    {
      name: 'a foregroundDeletion finalizer on the item is honoured',
      owners: [ref('a')],
      states: { a: 'dangling' },
      finalizers: ['foregroundDeletion'],
      want: { deletes: [{ policy: 'Foreground', rv: '12' }] },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const plan = planAttemptToDelete({
        kind: 'Pod',
        latest: pod(c.owners, c.finalizers),
        owners: new Map(Object.entries(c.states)),
        hasDependents: c.hasDependents ?? false,
        aDependentIsDeletingDependents: c.dependentDeleting ?? false,
      });
      assert.deepEqual(
        plan.deletes.map((d) => ({ policy: d.propagationPolicy, ...(d.preconditions?.resourceVersion ? { rv: d.preconditions.resourceVersion } : {}) })),
        c.want.deletes ?? [],
      );
      for (const d of plan.deletes) assert.deepEqual([d.kind, d.namespace, d.name, d.preconditions?.uid], ['Pod', 'default', 'web', 'pod-uid']);
      if (c.want.ownerReferences !== undefined) {
        assert.deepEqual(plan.patches, [
          { kind: 'Pod', namespace: 'default', name: 'web', patchType: 'merge', patch: { metadata: { resourceVersion: '12', ownerReferences: c.want.ownerReferences } }, reason: 'remove dangling owner references' },
        ]);
      } else if (c.want.unblock) {
        assert.deepEqual((plan.patches[0]?.patch as { metadata: { ownerReferences: OwnerReference[] } }).metadata.ownerReferences, [{ ...ref('a'), blockOwnerDeletion: false }]);
      } else {
        assert.deepEqual(plan.patches, []);
      }
    });
  }
});

describe('planOrphanDependents and planRemoveFinalizer', () => {
  test("each dependent loses the owner's reference only, guarded by its resourceVersion; one without it is left alone", () => {
    const plan = planOrphanDependents('a', [
      { kind: 'Pod', object: pod([ref('a')]) },
      { kind: 'Pod', object: pod([ref('a'), ref('b')]) },
      { kind: 'Pod', object: pod([ref('b')]) },
    ]);
    assert.deepEqual(
      plan.patches.map((p) => p.patch),
      [{ metadata: { resourceVersion: '12', ownerReferences: null } }, { metadata: { resourceVersion: '12', ownerReferences: [ref('b')] } }],
    );
  });

  test('the finalizer goes and the others stay; a finalizer already gone needs no write', () => {
    const owner = { metadata: { name: 'rc', namespace: 'default', resourceVersion: '3', finalizers: ['orphan', 'example.com/x'] } };
    assert.deepEqual(planRemoveFinalizer('ReplicationController', owner, 'orphan').patches[0]?.patch, { metadata: { resourceVersion: '3', finalizers: ['example.com/x'] } });
    assert.deepEqual(planRemoveFinalizer('ReplicationController', { metadata: { ...owner.metadata, finalizers: ['orphan'] } }, 'orphan').patches[0]?.patch, {
      metadata: { resourceVersion: '3', finalizers: null },
    });
    assert.deepEqual(planRemoveFinalizer('ReplicationController', owner, 'foregroundDeletion').patches, []);
  });
});

describe('OwnershipGraph (upstream graph_builder processGraphChanges)', () => {
  const id = (uid: string, kind = 'Pod'): ObjectIdentity => ({ apiVersion: 'v1', kind, namespace: 'default', name: uid, uid });
  const uids = (nodes: { identity: ObjectIdentity }[]) => nodes.map((n) => n.identity.uid).sort();
  const newGraph = () => new OwnershipGraph((_apiVersion, kind) => kind !== 'Node');

  test('a dependent of an unseen owner makes a virtual owner node, to be checked; seeing the owner makes it real', () => {
    const graph = newGraph();
    const work = graph.observe(id('p'), { metadata: { ownerReferences: [ref('rc')] } });
    assert.deepEqual(uids(work.attemptToDelete), ['rc']);
    assert.equal(graph.get('rc')?.observed, false);
    assert.equal(graph.get('rc')?.identity.namespace, 'default', 'a namespaced owner lives with its dependent');
    assert.deepEqual(uids(graph.observe(id('rc', 'ReplicationController'), { metadata: {} }).attemptToDelete), []);
    assert.equal(graph.get('rc')?.observed, true);
    assert.deepEqual(uids([...graph.get('rc')!.dependents]), ['p']);
  });

  test("an owner's removal sends its dependents to be looked at", () => {
    const graph = newGraph();
    graph.observe(id('rc', 'ReplicationController'), { metadata: {} });
    graph.observe(id('p1'), { metadata: { ownerReferences: [ref('rc')] } });
    graph.observe(id('p2'), { metadata: { ownerReferences: [ref('rc')] } });
    assert.deepEqual(uids(graph.remove('rc').attemptToDelete), ['p1', 'p2']);
    assert.equal(graph.get('rc'), undefined);
  });

  test('an owner marked with foregroundDeletion deletes its dependents; it is looked at again when a blocking one goes', () => {
    const graph = newGraph();
    graph.observe(id('rc', 'ReplicationController'), { metadata: {} });
    graph.observe(id('p1'), { metadata: { ownerReferences: [ref('rc', true)] } });
    graph.observe(id('p2'), { metadata: { ownerReferences: [ref('rc')] } });
    const old = { metadata: {} };
    const work = graph.observe(id('rc', 'ReplicationController'), { metadata: { deletionTimestamp: 'now', finalizers: ['foregroundDeletion'] } }, old);
    assert.deepEqual(uids(work.attemptToDelete), ['p1', 'p2', 'rc']);
    assert.equal(graph.get('rc')?.deletingDependents, true);
    assert.deepEqual(uids(graph.get('rc')!.blockingDependents()), ['p1'], 'only blockOwnerDeletion=true blocks');
    assert.deepEqual(uids(graph.remove('p1').attemptToDelete), ['rc']);
    assert.deepEqual(uids(graph.get('rc')!.blockingDependents()), []);
  });

  test('a dependent dropping its blocking reference unblocks a waiting owner', () => {
    const graph = newGraph();
    graph.observe(id('rc', 'ReplicationController'), { metadata: { deletionTimestamp: 'now', finalizers: ['foregroundDeletion'] } });
    graph.observe(id('p'), { metadata: { ownerReferences: [ref('rc', true)] } });
    assert.deepEqual(uids(graph.observe(id('p'), { metadata: { ownerReferences: [ref('rc')] } }).attemptToDelete), ['rc']);
  });

  test('an owner marked with the orphan finalizer is to be orphaned, once', () => {
    const graph = newGraph();
    const marked = { metadata: { deletionTimestamp: 'now', finalizers: ['orphan'] } };
    assert.deepEqual(uids(graph.observe(id('rc', 'ReplicationController'), marked, { metadata: {} }).attemptToOrphan), ['rc']);
    assert.deepEqual(uids(graph.observe(id('rc', 'ReplicationController'), marked, marked).attemptToOrphan), []);
  });

  test('an owner of a cluster-scoped kind is named without a namespace', () => {
    const graph = newGraph();
    graph.observe(id('p'), { metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'n1' }] } });
    assert.equal(graph.get('n1')?.identity.namespace, undefined);
  });
});
