import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { metaTime } from '../runtime/time.js';
import { availabilityRequeueMs, calculateStatus, statusPatch } from './status.js';
import { replicaPod, set, T0 } from './test-support.js';

describe('status (upstream calculateStatus and updateReplicaSetStatus)', () => {
  const running = replicaPod('a', { node: 'node-2', readySince: T0 - 5_000 });
  const pending = replicaPod('b', { node: 'node-2', phase: 'Pending' });
  const partlyLabeled = replicaPod('c', { node: 'node-3', readySince: T0 - 60_000, labels: { app: 'redis', role: 'slave' } });

  test('replicas, fullyLabeledReplicas (every template label), readyReplicas, availableReplicas (minReadySeconds)', () => {
    const status = calculateStatus(set({ replicas: 3, minReadySeconds: 10 }), [running, pending, partlyLabeled], undefined, T0);
    assert.deepEqual(status, { replicas: 3, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 1, observedGeneration: 1, conditions: [] });
  });

  test('a failed create sets ReplicaFailure FailedCreate with the error', () => {
    const status = calculateStatus(set({ replicas: 3 }), [running], 'pods "redis-slave-" is forbidden: exceeded quota: pods', T0);
    assert.deepEqual(status.conditions, [{ type: 'ReplicaFailure', status: 'True', lastTransitionTime: metaTime(T0), reason: 'FailedCreate', message: 'pods "redis-slave-" is forbidden: exceeded quota: pods' }]);
  });

  test('a failed delete sets ReplicaFailure FailedDelete', () => {
    assert.equal(calculateStatus(set({ replicas: 0 }), [running], 'boom', T0).conditions[0]?.reason, 'FailedDelete');
  });

  test('a condition already there is kept as it was while the failures go on, and removed by a sync without one', () => {
    const failure = { type: 'ReplicaFailure', status: 'True', lastTransitionTime: metaTime(T0 - 60_000), reason: 'FailedCreate', message: 'first' };
    const failing = set({ replicas: 3, status: { replicas: 1, conditions: [failure] } });
    assert.deepEqual(calculateStatus(failing, [running], 'second', T0).conditions, [failure]);
    assert.deepEqual(calculateStatus(failing, [running], undefined, T0).conditions, []);
  });

  test('written only when a count, the conditions or observedGeneration changed; zeros omitted as Go does', () => {
    const rc = set({ replicas: 2, generation: 2, observedGeneration: 1 });
    const status = calculateStatus(rc, [pending], undefined, T0);
    assert.deepEqual(statusPatch(rc, status)?.patch, {
      status: { replicas: 1, fullyLabeledReplicas: 1, readyReplicas: null, availableReplicas: null, observedGeneration: 2, conditions: null },
    });
    const same = set({ status: { replicas: 1, fullyLabeledReplicas: 1, observedGeneration: 1 } });
    assert.equal(statusPatch(same, calculateStatus(same, [pending], undefined, T0)), undefined);
  });

  test('all ready but not yet available: look again after minReadySeconds', () => {
    const rc = set({ replicas: 1, minReadySeconds: 10 });
    assert.equal(availabilityRequeueMs(rc, calculateStatus(rc, [running], undefined, T0)), 10_000);
    assert.equal(availabilityRequeueMs(rc, calculateStatus(rc, [partlyLabeled], undefined, T0)), undefined);
  });
});
