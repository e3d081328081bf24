import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { T0, pod } from '../test-support.js';
import { planPodGC, planQuarantine } from './plan.js';

const QUARANTINE = 40_000;

describe('pod GC quarantine (upstream gcOrphaned, nodeQueue.AddAfter)', () => {
  const pods = [pod('a', 'gone'), pod('b', 'gone'), pod('c', 'node-1'), { ...pod('d', ''), spec: { containers: [] } }];

  test('a node missing from the cache starts its quarantine; nodes present are never checked', () => {
    const q = planQuarantine({ pods, nodeNames: new Set(['node-1']), missingSince: new Map(), now: T0, quarantineMs: QUARANTINE });
    assert.deepEqual([...q.missingSince], [['gone', T0]]);
    assert.deepEqual(q.due, []);
    assert.equal(q.requeueAfterMs, QUARANTINE);
  });

  test('once the quarantine is over the node is due for a live lookup', () => {
    const q = planQuarantine({ pods, nodeNames: new Set(['node-1']), missingSince: new Map([['gone', T0]]), now: T0 + QUARANTINE, quarantineMs: QUARANTINE });
    assert.deepEqual(q.due, ['gone']);
    assert.equal(q.requeueAfterMs, undefined);
  });

  test('a node back in the cache, or with no pods left, is forgotten', () => {
    const q = planQuarantine({ pods, nodeNames: new Set(['node-1', 'gone']), missingSince: new Map([['gone', T0], ['other', T0]]), now: T0 + 1, quarantineMs: QUARANTINE });
    assert.deepEqual([...q.missingSince], []);
  });
});

describe('planPodGC (upstream markFailedAndDeletePodWithCondition)', () => {
  test('the pods of a node confirmed gone are marked Failed with DisruptionTarget DeletionByPodGC, then force-deleted', () => {
    const plan = planPodGC([pod('a', 'gone'), pod('c', 'node-1')], new Set(['gone']), T0);
    assert.deepEqual(plan.patches, [
      {
        kind: 'Pod',
        namespace: 'default',
        name: 'a',
        subresource: 'status',
        patchType: 'strategic',
        patch: {
          status: {
            phase: 'Failed',
            conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists', lastTransitionTime: '2025-01-01T00:00:00Z' }],
          },
        },
        reason: 'node gone no longer exists',
      },
    ]);
    assert.deepEqual(plan.deletes, [{ kind: 'Pod', namespace: 'default', name: 'a', gracePeriodSeconds: 0, preconditions: { uid: 'uid-a' }, reason: 'node gone no longer exists' }]);
  });

  test('a pod already finished is deleted without a status write', () => {
    const done = { ...pod('a', 'gone'), status: { phase: 'Succeeded' } };
    const plan = planPodGC([done], new Set(['gone']), T0);
    assert.deepEqual(plan.patches, []);
    assert.equal(plan.deletes.length, 1);
  });

  test('an unscheduled pod being deleted is marked Failed and force-deleted; one not being deleted stays', () => {
    const unscheduled = { ...pod('u', 'x'), spec: { containers: [] } };
    const terminating = { ...unscheduled, metadata: { ...unscheduled.metadata, name: 't', deletionTimestamp: '2025-01-01T00:00:00Z' } };
    const plan = planPodGC([unscheduled, terminating], new Set(), T0);
    assert.deepEqual(plan.patches.map((p) => p.patch), [{ status: { phase: 'Failed' } }]);
    assert.deepEqual(plan.deletes.map((d) => [d.name, d.gracePeriodSeconds]), [['t', 0]]);
  });
});
