import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planManage } from './manage.js';
import { planDaemonSet } from './plan.js';
import { desiredNodeCounts, planRollingUpdate } from './rolling-update.js';
import { scaledValue } from './state.js';
import { daemonPod, daemonSet, lab, labNode, names, stateOf, T0 } from './test-support.js';

describe('manage (upstream podsShouldBeOnNode)', () => {
  test('S1: a pod for every worker; the control plane too when tolerated', () => {
    assert.deepEqual(planManage(stateOf(daemonSet(), [])).nodesNeedingPods, ['node-2', 'node-3']);
    assert.deepEqual(planManage(stateOf(daemonSet({ tolerateControlPlane: true }), [])).nodesNeedingPods, ['node-1', 'node-2', 'node-3']);
  });

  test('a node with a pod, even a pending unbound one, gets no second pod', () => {
    const plan = planManage(stateOf(daemonSet(), [daemonPod('a', 'node-2', { bound: false, ready: false }), daemonPod('b', 'node-3')]));
    assert.deepEqual(plan.nodesNeedingPods, []);
    assert.deepEqual(plan.podsToDelete, []);
  });

  test('a node still holding a terminating pod gets its replacement only once it is gone', () => {
    const plan = planManage(stateOf(daemonSet(), [daemonPod('a', 'node-2', { deleting: true }), daemonPod('b', 'node-3')]));
    assert.deepEqual(plan.nodesNeedingPods, []);
  });

  test('a node that stops matching the nodeSelector loses its pod', () => {
    const ds = daemonSet({ nodeSelector: { disk: 'ssd' } });
    const nodes = [labNode('node-2', { disk: 'ssd' }), labNode('node-3')];
    const plan = planManage(stateOf(ds, [daemonPod('a', 'node-2'), daemonPod('b', 'node-3')], nodes));
    assert.deepEqual(names(plan.podsToDelete), ['b']);
  });

  test('unbound pods made for a node that no longer exists are deleted; bound ones are left to the pod GC', () => {
    const pods = [daemonPod('a', 'node-2'), daemonPod('b', 'node-3'), daemonPod('unbound', 'node-9', { bound: false }), daemonPod('bound', 'node-8')];
    assert.deepEqual(names(planManage(stateOf(daemonSet(), pods)).podsToDelete), ['unbound']);
  });

  test('extra pods on a node: all but the oldest go (no surge)', () => {
    const pods = [daemonPod('young', 'node-2', { created: T0 - 10_000 }), daemonPod('old', 'node-2', { created: T0 - 50_000 }), daemonPod('c', 'node-3')];
    assert.deepEqual(names(planManage(stateOf(daemonSet(), pods)).podsToDelete), ['young']);
  });

  test('a failed pod is deleted with a FailedDaemonPod event, then backs off 1 s doubling', () => {
    const pods = [daemonPod('failed', 'node-2', { phase: 'Failed', ready: false }), daemonPod('c', 'node-3')];
    const first = planManage(stateOf(daemonSet(), pods));
    assert.deepEqual(names(first.podsToDelete), ['failed']);
    assert.equal(first.events[0]?.reason, 'FailedDaemonPod');
    assert.equal(first.events[0]?.message, 'Found failed daemon pod kube-system/failed on node node-2, will try to kill it');
    const [key, entry] = [...first.backoff][0]!;
    assert.deepEqual(entry, { backoffMs: 1000, lastUpdate: T0 });
    const again = planManage({ ...stateOf(daemonSet(), pods, lab(), T0 + 500), backoff: new Map([[key, entry]]) });
    assert.deepEqual(again.podsToDelete, []);
    assert.equal(again.requeueAfterMs, 1000);
    const later = planManage({ ...stateOf(daemonSet(), pods, lab(), T0 + 1500), backoff: new Map([[key, entry]]) });
    assert.deepEqual([...later.backoff.values()], [{ backoffMs: 2000, lastUpdate: T0 + 1500 }]);
  });

  test('with surge, an old ready pod and a new available pod: the old one goes', () => {
    const ds = daemonSet({ maxSurge: 1, maxUnavailable: 0 });
    const pods = [daemonPod('old', 'node-2', { version: 'old' }), daemonPod('new', 'node-2'), daemonPod('c', 'node-3')];
    assert.deepEqual(names(planManage(stateOf(ds, pods)).podsToDelete), ['old']);
    const waiting = [daemonPod('old', 'node-2', { version: 'old' }), daemonPod('new', 'node-2', { ready: false }), daemonPod('c', 'node-3')];
    assert.deepEqual(planManage(stateOf(ds, waiting)).podsToDelete, []);
  });
});

const rollingCase = (maxUnavailable: number | string, maxSurge: number | string, pods: ReturnType<typeof daemonPod>[], minReadySeconds?: number) =>
  planRollingUpdate(stateOf(daemonSet({ tolerateControlPlane: true, maxUnavailable, maxSurge, minReadySeconds }), pods));
const oldEverywhere = () => ['node-1', 'node-2', 'node-3'].map((n, i) => daemonPod(`old-${i + 1}`, n, { version: 'old' }));

describe('rolling update steps (upstream rollingUpdate)', () => {
  test('maxUnavailable 1: one old pod deleted at a time, in node order', () => {
    const step = rollingCase(1, 0, oldEverywhere());
    assert.deepEqual(names(step.podsToDelete), ['old-1']);
    assert.deepEqual(step.nodesNeedingPods, []);
  });

  test('maxUnavailable 1: nothing more while a node has no pod or a new pod not yet available', () => {
    const [, o2, o3] = oldEverywhere();
    assert.deepEqual(rollingCase(1, 0, [o2!, o3!]).podsToDelete, []);
    assert.deepEqual(rollingCase(1, 0, [daemonPod('new-1', 'node-1', { ready: false }), o2!, o3!]).podsToDelete, []);
    assert.deepEqual(names(rollingCase(1, 0, [daemonPod('new-1', 'node-1'), o2!, o3!]).podsToDelete), ['old-2']);
  });

  test('minReadySeconds: a new pod ready for less is not available yet', () => {
    const [, o2, o3] = oldEverywhere();
    const fresh = daemonPod('new-1', 'node-1', { readySince: T0 - 5_000 });
    assert.deepEqual(rollingCase(1, 0, [fresh, o2!, o3!], 10).podsToDelete, []);
    assert.deepEqual(names(rollingCase(1, 0, [fresh, o2!, o3!], 3).podsToDelete), ['old-2']);
  });

  test('an unavailable old pod is replaced at once, beyond maxUnavailable', () => {
    const pods = [daemonPod('old-1', 'node-1', { version: 'old', ready: false }), daemonPod('old-2', 'node-2', { version: 'old', ready: false }), daemonPod('old-3', 'node-3', { version: 'old' })];
    assert.deepEqual(names(rollingCase(1, 0, pods).podsToDelete), ['old-1', 'old-2']);
  });

  test('maxUnavailable 2 and percentages rounded up (34% of 3 is 2, 100% is 3)', () => {
    assert.deepEqual(names(rollingCase(2, 0, oldEverywhere()).podsToDelete), ['old-1', 'old-2']);
    assert.deepEqual(names(rollingCase('34%', 0, oldEverywhere()).podsToDelete), ['old-1', 'old-2']);
    assert.deepEqual(names(rollingCase('10%', 0, oldEverywhere()).podsToDelete), ['old-1']);
    assert.deepEqual(names(rollingCase('100%', 0, oldEverywhere()).podsToDelete), ['old-1', 'old-2', 'old-3']);
  });

  test('maxSurge 1: a new pod is created beside the old one first', () => {
    const step = rollingCase(0, 1, oldEverywhere());
    assert.deepEqual(step.nodesNeedingPods, ['node-1']);
    assert.deepEqual(step.podsToDelete, []);
  });

  test('maxSurge 1: the old pod goes once the new one is available; the next node surges then', () => {
    const [o1, o2, o3] = oldEverywhere();
    const waiting = rollingCase(0, 1, [o1!, daemonPod('new-1', 'node-1', { ready: false }), o2!, o3!]);
    assert.deepEqual([waiting.nodesNeedingPods, waiting.podsToDelete], [[], []]);
    const done = rollingCase(0, 1, [o1!, daemonPod('new-1', 'node-1'), o2!, o3!]);
    assert.deepEqual(names(done.podsToDelete), ['old-1']);
    assert.deepEqual(done.nodesNeedingPods, ['node-2']);
  });

  test('maxSurge 50% of 3 is 2 new pods at once', () => {
    assert.deepEqual(rollingCase(0, '50%', oldEverywhere()).nodesNeedingPods, ['node-1', 'node-2']);
  });

  test('maxSurge and maxUnavailable both 0 fall back to one unavailable, as upstream', () => {
    assert.equal(desiredNodeCounts(stateOf(daemonSet({ maxUnavailable: 0, maxSurge: 0 }), [])).maxUnavailable, 1);
  });

  test('OnDelete replaces nothing; a deleted pod comes back new (manage)', () => {
    const ds = daemonSet({ tolerateControlPlane: true, onDelete: true });
    const [o1, o2, o3] = oldEverywhere();
    const plan = planDaemonSet(stateOf(ds, [o1!, o2!, o3!]));
    assert.deepEqual([plan.nodesNeedingPods, plan.podsToDelete], [[], []]);
    assert.deepEqual(planDaemonSet(stateOf(ds, [o2!, o3!])).nodesNeedingPods, ['node-1']);
  });

  test('scaledValue as intstr.GetScaledValueFromIntOrPercent', () => {
    assert.equal(scaledValue(2, 10, true), 2);
    assert.equal(scaledValue('25%', 10, true), 3);
    assert.equal(scaledValue('25%', 10, false), 2);
    assert.throws(() => scaledValue('3', 10, true), /not a percentage/);
  });
});
