import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scaleDownTarget, scaleUpTarget, updateBounds, updateDone, type ReplicaCounts, type UpdateBounds } from './steps.js';

test('bounds with the old defaults: keep desired available, never more than one pod over', () => {
  assert.deepEqual(updateBounds(3, 3), { desired: 3, maxSurge: 1, maxUnavailable: 0, minAvailable: 3 });
});

test('bounds scaling to zero: every old pod may go at once', () => {
  assert.deepEqual(updateBounds(0, 4), { desired: 0, maxSurge: 1, maxUnavailable: 4, minAvailable: 0 });
});

test('bounds with both limits at zero let one pod be unavailable, as ResolveFenceposts', () => {
  assert.deepEqual(updateBounds(2, 2, { maxSurge: 0, maxUnavailable: 0 }), { desired: 2, maxSurge: 0, maxUnavailable: 1, minAvailable: 1 });
});

const three = updateBounds(3, 3);
const scaleUpCases: { name: string; counts: ReplicaCounts; bounds: UpdateBounds; want: number | undefined }[] = [
  { name: 'first step: one pod over desired', counts: { oldReplicas: 3, newReplicas: 0 }, bounds: three, want: 1 },
  { name: 'at the surge limit: no step', counts: { oldReplicas: 3, newReplicas: 1 }, bounds: three, want: undefined },
  { name: 'the old one shrank: one more', counts: { oldReplicas: 2, newReplicas: 1 }, bounds: three, want: 2 },
  { name: 'already at desired: no step', counts: { oldReplicas: 1, newReplicas: 3 }, bounds: three, want: undefined },
  { name: 'the old one is gone: all the way', counts: { oldReplicas: 0, newReplicas: 1 }, bounds: three, want: 3 },
  { name: 'a larger new controller grows by the surge only', counts: { oldReplicas: 2, newReplicas: 0 }, bounds: updateBounds(5, 2), want: 4 },
  { name: 'never past desired', counts: { oldReplicas: 1, newReplicas: 0 }, bounds: updateBounds(2, 1, { maxSurge: 5, maxUnavailable: 0 }), want: 2 },
];
for (const c of scaleUpCases) {
  test(`scale up: ${c.name}`, () => assert.equal(scaleUpTarget(c.counts, c.bounds), c.want));
}

const scaleDownCases: { name: string; counts: ReplicaCounts & { newAvailable: number }; bounds: UpdateBounds; want: number | undefined }[] = [
  { name: 'the new pod is not available yet: keep the old ones', counts: { oldReplicas: 3, newReplicas: 1, newAvailable: 0 }, bounds: three, want: undefined },
  { name: 'one new pod available: one old pod goes', counts: { oldReplicas: 3, newReplicas: 1, newAvailable: 1 }, bounds: three, want: 2 },
  { name: 'the new controller complete and available: the rest goes', counts: { oldReplicas: 1, newReplicas: 3, newAvailable: 3 }, bounds: three, want: 0 },
  { name: 'complete but one not available: keep one', counts: { oldReplicas: 1, newReplicas: 3, newAvailable: 2 }, bounds: three, want: undefined },
  { name: 'already at zero: no step', counts: { oldReplicas: 0, newReplicas: 3, newAvailable: 3 }, bounds: three, want: undefined },
  { name: 'to zero replicas: everything old goes', counts: { oldReplicas: 4, newReplicas: 0, newAvailable: 0 }, bounds: updateBounds(0, 4), want: 0 },
  { name: 'a rollback that finds the old controller complete', counts: { oldReplicas: 1, newReplicas: 3, newAvailable: 3 }, bounds: three, want: 0 },
];
for (const c of scaleDownCases) {
  test(`scale down: ${c.name}`, () => assert.equal(scaleDownTarget(c.counts, c.bounds), c.want));
}

test('the worked trace of steps.ts: desired 3 from 3, new pods available at once, never over 4 or under 3 available', () => {
  const bounds = updateBounds(3, 3);
  let counts = { oldReplicas: 3, newReplicas: 0 };
  const steps: string[] = [];
  while (!updateDone(counts, bounds)) {
    const up = scaleUpTarget(counts, bounds);
    if (up !== undefined) {
      counts = { ...counts, newReplicas: up };
      steps.push(`up ${up}`);
    }
    assert.ok(counts.oldReplicas + counts.newReplicas <= bounds.desired + bounds.maxSurge, 'surge exceeded');
    const down = scaleDownTarget({ ...counts, newAvailable: counts.newReplicas }, bounds);
    if (down !== undefined) {
      counts = { ...counts, oldReplicas: down };
      steps.push(`down ${down}`);
    }
    assert.ok(counts.oldReplicas + counts.newReplicas >= bounds.minAvailable, 'too few available');
    assert.ok(steps.length < 20, 'no progress');
  }
  assert.deepEqual(steps, ['up 1', 'down 2', 'up 2', 'down 1', 'up 3', 'down 0']);
});
