import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { POD_INDEX_LABEL, POD_NAME_LABEL, REVISION_LABEL } from './identity.js';
import { planStatefulSet } from './plan.js';
import { describeActions, setPod, statefulSet, stateOf, T0, type PodOptions, type SetOptions } from './test-support.js';

/** A set's pods by ordinal: undefined leaves the ordinal missing. */
function plan(setOptions: SetOptions, pods: (PodOptions | undefined)[], more: { update?: string; now?: number } = {}) {
  const set = statefulSet(setOptions);
  const list = pods.flatMap((o, ordinal) => (o ? [setPod(set, ordinal, o)] : []));
  return planStatefulSet(stateOf(set, list, { updateRevision: more.update ?? 'web-rev1', now: more.now ?? T0 }));
}

const running: PodOptions = {};
const pending: PodOptions = { phase: 'Pending', ready: false };

describe('scaling (upstream processReplica and processCondemned)', () => {
  const cases: { name: string; set: SetOptions; pods: (PodOptions | undefined)[]; want: string[] }[] = [
    { name: 'OrderedReady starts with web-0 alone', set: {}, pods: [], want: ['create web-0'] },
    { name: 'OrderedReady waits while web-0 is Pending', set: {}, pods: [pending], want: [] },
    { name: 'OrderedReady waits while web-0 is Running but not Ready', set: {}, pods: [{ ready: false }], want: [] },
    { name: 'OrderedReady creates web-1 once web-0 is Running and Ready', set: {}, pods: [running], want: ['create web-1'] },
    { name: 'OrderedReady fills the lowest gap first', set: {}, pods: [running, undefined, running], want: ['create web-1'] },
    { name: 'Parallel creates every missing pod at once', set: { parallel: true }, pods: [], want: ['create web-0', 'create web-1', 'create web-2'] },
    { name: 'Parallel does not wait for a pending pod', set: { parallel: true }, pods: [pending], want: ['create web-1', 'create web-2'] },
    { name: 'a failed pod is deleted (it comes back with its name at the next sync)', set: {}, pods: [{ phase: 'Failed', ready: false }], want: ['delete web-0 (failed)'] },
    { name: 'a terminating replica holds OrderedReady back', set: {}, pods: [{ deleting: true }], want: [] },
    { name: 'scale down removes the highest ordinal first, one at a time', set: { replicas: 1 }, pods: [running, running, running], want: ['delete web-2 (condemned)'] },
    { name: 'scale down waits while the highest is terminating', set: { replicas: 1 }, pods: [running, running, { deleting: true }], want: [] },
    { name: 'scale down waits for an unhealthy replica', set: { replicas: 2 }, pods: [running, pending, running], want: [] },
    { name: 'scale down removes the first unhealthy pod itself', set: { replicas: 1 }, pods: [running, running, pending], want: ['delete web-2 (condemned)'] },
    { name: 'Parallel scale down removes every extra pod at once', set: { replicas: 1, parallel: true }, pods: [running, running, running], want: ['delete web-2 (condemned)', 'delete web-1 (condemned)'] },
    { name: 'nothing to do when all are Running and Ready', set: {}, pods: [running, running, running], want: [] },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(describeActions(plan(c.set, c.pods).actions), c.want));

  test('minReadySeconds: the next pod waits until the previous is available, and the sync is requeued then', () => {
    const p = plan({ minReadySeconds: 10 }, [{ readySince: T0 - 4_000 }]);
    assert.deepEqual(describeActions(p.actions), []);
    assert.ok(p.requeueAfterMs !== undefined && p.requeueAfterMs > 5_000 && p.requeueAfterMs <= 6_001, String(p.requeueAfterMs));
    assert.deepEqual(describeActions(plan({ minReadySeconds: 10 }, [{ readySince: T0 - 11_000 }]).actions), ['create web-1']);
  });
});

describe('rolling update (upstream updateStatefulSet, partition)', () => {
  const old: PodOptions = { revision: 'web-rev1' };
  const updated: PodOptions = { revision: 'web-rev2' };
  const cases: { name: string; set: SetOptions; pods: PodOptions[]; want: string[] }[] = [
    { name: 'the highest ordinal is replaced first', set: {}, pods: [old, old, old], want: ['delete web-2 (update)'] },
    { name: 'then the next one down', set: {}, pods: [old, old, updated], want: ['delete web-1 (update)'] },
    { name: 'waiting while the updated pod is not ready', set: {}, pods: [old, old, { ...updated, ...pending }], want: [] },
    { name: 'waiting while the replaced pod terminates', set: {}, pods: [old, old, { ...old, deleting: true }], want: [] },
    { name: 'partition 1 holds web-0 back', set: { partition: 1 }, pods: [old, updated, updated], want: [] },
    { name: 'partition 1 updates web-2 then web-1', set: { partition: 1 }, pods: [old, old, old], want: ['delete web-2 (update)'] },
    { name: 'partition 3 of 3 updates nothing', set: { partition: 3 }, pods: [old, old, old], want: [] },
    { name: 'OnDelete never deletes for an update', set: { onDelete: true }, pods: [old, old, old], want: [] },
    { name: 'scaling comes before updating', set: { replicas: 2 }, pods: [old, old, old], want: ['delete web-2 (condemned)'] },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(describeActions(plan(c.set, c.pods, { update: 'web-rev2' }).actions), c.want));

  test('a pod made again below the partition is at the current revision; above it, at the update revision', () => {
    const set = statefulSet({ partition: 2 });
    const pods = [setPod(set, 1, { revision: 'web-rev1' }), setPod(set, 2, { revision: 'web-rev2' })];
    const [create] = planStatefulSet(stateOf(set, pods, { updateRevision: 'web-rev2' })).actions;
    assert.equal(create?.type, 'create');
    assert.equal(create.type === 'create' && create.pod.metadata?.labels?.[REVISION_LABEL], 'web-rev1');
    const top = planStatefulSet(stateOf(set, [setPod(set, 0), setPod(set, 1)], { updateRevision: 'web-rev2' })).actions[0];
    assert.equal(top?.type === 'create' && top.pod.metadata?.labels?.[REVISION_LABEL], 'web-rev2');
  });
});

describe('the pods it makes (upstream newStatefulSetPod)', () => {
  test('name, hostname, subdomain, identity labels and controller reference', () => {
    const [action] = plan({}, []).actions;
    assert.ok(action?.type === 'create');
    const pod = action.pod;
    assert.equal(pod.metadata?.name, 'web-0');
    assert.equal(pod.spec?.hostname, 'web-0');
    assert.equal(pod.spec?.subdomain, 'nginx');
    assert.deepEqual(pod.metadata?.labels, { app: 'nginx', role: 'stateful', [POD_NAME_LABEL]: 'web-0', [POD_INDEX_LABEL]: '0', [REVISION_LABEL]: 'web-rev1' });
    assert.deepEqual(pod.metadata?.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'set-uid', controller: true, blockOwnerDeletion: true }]);
    assert.equal(pod.spec?.volumes, undefined);
  });
});
