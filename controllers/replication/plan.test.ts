import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BURST_REPLICAS, planReplicas } from './plan.js';
import { fromReplicationController, indirectlyRelatedPods } from './replicated.js';
import { names, rc, replicaPod, set, T0, type PodShape, type RCShape } from './test-support.js';

function plan(shape: RCShape, pods: PodShape[], burstReplicas = BURST_REPLICAS) {
  const list = pods.map((p, i) => replicaPod(`redis-slave-${i}`, { node: 'node-2', ...p }));
  return planReplicas({ set: set(shape), pods: list, relatedPods: [], burstReplicas, now: T0 });
}

describe('how many pods to create or delete (upstream manageReplicas)', () => {
  const cases: { name: string; rc: RCShape; pods: PodShape[]; burst?: number; creates: number; deletes: string[] }[] = [
    { name: 'a new RC of 2 creates 2', rc: { replicas: 2 }, pods: [], creates: 2, deletes: [] },
    { name: 'scaling 2 to 3 creates 1', rc: { replicas: 3 }, pods: [{}, {}], creates: 1, deletes: [] },
    { name: 'as many as wanted: nothing to do', rc: { replicas: 2 }, pods: [{}, {}], creates: 0, deletes: [] },
    { name: 'scaling 3 to 1 deletes the 2 the order prefers (not ready first)', rc: { replicas: 1 }, pods: [{}, { ready: false }, { phase: 'Pending' }], creates: 0, deletes: ['redis-slave-2', 'redis-slave-1'] },
    { name: 'scaling to 0 deletes every pod', rc: { replicas: 0 }, pods: [{}, {}], creates: 0, deletes: ['redis-slave-0', 'redis-slave-1'] },
    { name: 'at most burstReplicas creates a sync', rc: { replicas: 10 }, pods: [], burst: 3, creates: 3, deletes: [] },
    { name: 'at most burstReplicas deletes a sync', rc: { replicas: 0 }, pods: [{}, {}, {}], burst: 2, creates: 0, deletes: ['redis-slave-0', 'redis-slave-1'] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const p = plan(c.rc, c.pods, c.burst);
      assert.equal(p.creates.length, c.creates);
      assert.deepEqual(names(p.deletes), c.deletes);
    });
  }

  test('a new pod is the template, generateName <rc>-, the RC its controller (blockOwnerDeletion)', () => {
    const [pod] = plan({ replicas: 1 }, []).creates;
    assert.deepEqual(pod, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        generateName: 'redis-slave-',
        namespace: 'default',
        labels: { app: 'redis', role: 'slave', tier: 'backend' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'redis-slave', uid: 'rc-uid', controller: true, blockOwnerDeletion: true }],
      },
      spec: { containers: [{ name: 'slave', image: 'gcr.io/google_samples/gb-redisslave:v1' }] },
    });
  });

  test('an RC without replicas keeps 1 (the API default, also when the cache has none)', () => {
    const raw = rc();
    delete raw.spec!.replicas;
    assert.equal(fromReplicationController(raw).replicas, 1);
  });
});

describe('related pods (upstream getIndirectlyRelatedPods)', () => {
  const pods = [replicaPod('a', { node: 'node-2' }), replicaPod('b', { node: 'node-3' }), replicaPod('other', { labels: { app: 'web' } })];

  test('an RC no controller owns has none: its pods are not ranked by node', () => {
    assert.deepEqual(indirectlyRelatedPods(set(), [set()], pods), []);
  });

  test('an RC with a controller: the pods of every RC of that controller, each once', () => {
    const mine = set({ owner: 'deploy-uid' });
    const sibling = { ...set({ owner: 'deploy-uid' }), name: 'redis-slave-2' };
    const stranger = { ...set({ owner: 'another-uid' }), name: 'x' };
    assert.deepEqual(names(indirectlyRelatedPods(mine, [mine, sibling, stranger], pods)), ['a', 'b']);
  });
});
