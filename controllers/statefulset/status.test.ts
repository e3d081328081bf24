import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { computeStatus, statusPatch } from './status.js';
import { setPod, statefulSet, T0 } from './test-support.js';

describe('status (upstream computeReplicaStatus, completeRollingUpdate)', () => {
  test('counts replicas, ready, available, current and updated pods', () => {
    const set = statefulSet({ minReadySeconds: 10 });
    const pods = [
      setPod(set, 0, { revision: 'r1', readySince: T0 - 60_000 }),
      setPod(set, 1, { revision: 'r1', readySince: T0 - 1_000 }),
      setPod(set, 2, { revision: 'r2', phase: 'Pending', ready: false }),
    ];
    const status = computeStatus({ set, pods, currentRevision: 'r1', updateRevision: 'r2', collisionCount: 0, now: T0 });
    assert.deepEqual(
      { ...status },
      { observedGeneration: 1, replicas: 3, readyReplicas: 2, availableReplicas: 1, currentReplicas: 2, updatedReplicas: 1, currentRevision: 'r1', updateRevision: 'r2', collisionCount: 0 },
    );
  });

  test('a terminating pod counts as a replica but at no revision', () => {
    const set = statefulSet();
    const status = computeStatus({ set, pods: [setPod(set, 0, { revision: 'r1', deleting: true })], currentRevision: 'r1', updateRevision: 'r2', collisionCount: 0, now: T0 });
    assert.deepEqual([status.replicas, status.currentReplicas, status.updatedReplicas], [1, 0, 0]);
  });

  test('every pod updated and ready: the update revision becomes current', () => {
    const set = statefulSet({ replicas: 2 });
    const pods = [setPod(set, 0, { revision: 'r2' }), setPod(set, 1, { revision: 'r2' })];
    const status = computeStatus({ set, pods, currentRevision: 'r1', updateRevision: 'r2', collisionCount: 0, now: T0 });
    assert.deepEqual([status.currentRevision, status.currentReplicas, status.updatedReplicas], ['r2', 2, 2]);
  });

  test('written only when it changed', () => {
    const set = statefulSet();
    const status = computeStatus({ set, pods: [], currentRevision: 'r1', updateRevision: 'r1', collisionCount: 0, now: T0 });
    assert.ok(statusPatch(set, status));
    assert.equal(statusPatch({ ...set, status }, status), undefined);
  });
});
