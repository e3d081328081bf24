import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Taint } from 'kubernetes-types/core/v1.js';
import { daemonTolerations, defaultTolerations, iso, node, pod, T0 } from '../test-support.js';
import { planTaintEviction, type PodEviction, type TaintEvictionInput } from './plan.js';
import { matchingTolerations, minTolerationMs, toleratesTaint } from './tolerations.js';

const unreachable: Taint[] = [
  { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: iso(T0) },
  { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: iso(T0) },
];
const tainted = node('node-2', { ready: 'Unknown', taints: unreachable });

function plan(input: Partial<TaintEvictionInput>) {
  return planTaintEviction({ nodeName: 'node-2', node: tainted, pods: [], evictions: new Map(), now: T0, ...input });
}
const summary = (p: ReturnType<typeof plan>) => ({
  events: p.plan.events.map((e) => `${e.reason}: ${e.message}`),
  deletes: p.plan.deletes.map((d) => `${d.namespace}/${d.name}`),
  requeueAfterMs: p.plan.requeueAfterMs,
});

describe('tolerations (upstream ToleratesTaint, GetMatchingTolerations, getMinTolerationTime)', () => {
  const taint = { key: 'k', value: 'v', effect: 'NoExecute' };
  const table: [object, boolean][] = [
    [{ key: 'k', operator: 'Equal', value: 'v', effect: 'NoExecute' }, true],
    [{ key: 'k', value: 'v' }, true],
    [{ key: 'k', operator: 'Equal', value: 'w' }, false],
    [{ key: 'k', operator: 'Exists' }, true],
    [{ operator: 'Exists' }, true],
    [{ operator: 'Exists', effect: 'NoSchedule' }, false],
    [{ key: 'other', operator: 'Exists' }, false],
    [{ key: 'k', operator: 'Lt', value: 'v' }, false],
  ];
  for (const [toleration, want] of table) {
    test(`${JSON.stringify(toleration)} ${want ? 'tolerates' : 'does not tolerate'} k=v:NoExecute`, () => assert.equal(toleratesTaint(toleration, taint), want));
  }

  test('every taint needs a toleration; the first one matching each is used', () => {
    const taints = [taint, { key: 'x', effect: 'NoExecute' }];
    assert.deepEqual(matchingTolerations(taints, [{ key: 'k', operator: 'Exists' }]), { allTolerated: false, used: [] });
    assert.deepEqual(matchingTolerations(taints, [{ operator: 'Exists', tolerationSeconds: 5 }, { key: 'k', operator: 'Exists' }]).used.length, 2);
    assert.deepEqual(matchingTolerations([], []), { allTolerated: true, used: [] });
  });

  test('the shortest tolerationSeconds wins; none set is for ever; zero or less is at once', () => {
    assert.equal(minTolerationMs([{ tolerationSeconds: 300 }, { tolerationSeconds: 60 }, {}]), 60_000);
    assert.equal(minTolerationMs([{}, {}]), Infinity);
    assert.equal(minTolerationMs([{ tolerationSeconds: 300 }, { tolerationSeconds: -1 }]), 0);
    assert.equal(minTolerationMs([]), 0);
  });
});

describe('taint eviction plan', () => {
  test('a pod that does not tolerate the NoExecute taint is deleted at once, DisruptionTarget first, with upstream events', () => {
    const p = plan({ pods: [pod('web', 'node-2')] });
    assert.deepEqual(summary(p), { events: ['TaintManagerEviction: Marking for deletion Pod default/web'], deletes: ['default/web'], requeueAfterMs: undefined });
    assert.deepEqual(p.plan.events[0]!.regarding, { apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'web' });
    assert.deepEqual(p.plan.patches, [
      {
        kind: 'Pod',
        namespace: 'default',
        name: 'web',
        subresource: 'status',
        patchType: 'strategic',
        patch: { status: { conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint', lastTransitionTime: iso(T0) }] } },
        reason: 'taint eviction',
      },
    ]);
    assert.deepEqual(p.evictions.get('default/web'), { evicted: true });
  });

  test('an evicted pod the cache still shows is not deleted again', () => {
    const p = plan({ pods: [pod('web', 'node-2')], evictions: new Map([['default/web', { evicted: true }]]), now: T0 + 5 });
    assert.deepEqual(summary(p), { events: [], deletes: [], requeueAfterMs: undefined });
    assert.deepEqual(p.evictions.get('default/web'), { evicted: true });
  });

  test('a pod already terminating is left alone and forgotten', () => {
    const p = plan({ pods: [pod('web', 'node-2', { deleting: true })], evictions: new Map([['default/web', { evicted: true }]]) });
    assert.deepEqual(summary(p), { events: [], deletes: [], requeueAfterMs: undefined });
    assert.equal(p.evictions.size, 0);
  });

  test('a pod tolerating for 300 s is scheduled, then deleted when the time is up', () => {
    const web = pod('web', 'node-2', { tolerations: defaultTolerations });
    const first = plan({ pods: [web] });
    assert.deepEqual(summary(first), { events: [], deletes: [], requeueAfterMs: 300_000 });
    assert.deepEqual(first.evictions.get('default/web'), { since: T0, fireAt: T0 + 300_000 });
    const midway = plan({ pods: [web], evictions: first.evictions, now: T0 + 299_999 });
    assert.deepEqual(summary(midway), { events: [], deletes: [], requeueAfterMs: 1 });
    const due = plan({ pods: [web], evictions: midway.evictions, now: T0 + 300_000 });
    assert.deepEqual(summary(due), { events: ['TaintManagerEviction: Marking for deletion Pod default/web'], deletes: ['default/web'], requeueAfterMs: undefined });
  });

  test('a scheduled eviction keeps its time when the taints change (upstream keeps the earlier work)', () => {
    const web = pod('web', 'node-2', { tolerations: [{ operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }] });
    const scheduled = new Map<string, PodEviction>([['default/web', { since: T0, fireAt: T0 + 300_000 }]]);
    const p = plan({ pods: [web], evictions: scheduled, now: T0 + 10_000 });
    assert.deepEqual(p.evictions.get('default/web'), { since: T0, fireAt: T0 + 300_000 });
  });

  test('a DaemonSet pod tolerating for ever stays', () => {
    const p = plan({ pods: [pod('ds-x', 'node-2', { tolerations: daemonTolerations })] });
    assert.deepEqual(summary(p), { events: [], deletes: [], requeueAfterMs: undefined });
    assert.equal(p.evictions.size, 0);
  });

  test('when the taint goes before the time is up, the eviction is cancelled with an event', () => {
    const web = pod('web', 'node-2', { tolerations: defaultTolerations });
    const scheduled = new Map<string, PodEviction>([['default/web', { since: T0, fireAt: T0 + 300_000 }]]);
    const p = plan({ node: node('node-2', { ready: 'True' }), pods: [web], evictions: scheduled, now: T0 + 30_000 });
    assert.deepEqual(summary(p), { events: ['TaintManagerEviction: Cancelling deletion of Pod default/web'], deletes: [], requeueAfterMs: undefined });
    assert.equal(p.evictions.size, 0);
  });

  test('a pod deleted by someone else while scheduled: cancelled with an event', () => {
    const scheduled = new Map<string, PodEviction>([['default/web', { since: T0, fireAt: T0 + 300_000 }]]);
    assert.deepEqual(summary(plan({ pods: [], evictions: scheduled })).events, ['TaintManagerEviction: Cancelling deletion of Pod default/web']);
  });

  test('a node deleted: its pods are forgotten, nothing deleted', () => {
    const scheduled = new Map<string, PodEviction>([['default/web', { since: T0, fireAt: T0 + 300_000 }]]);
    const p = plan({ node: undefined, pods: [pod('web', 'node-2', { tolerations: defaultTolerations })], evictions: scheduled });
    assert.deepEqual(summary(p), { events: [], deletes: [], requeueAfterMs: undefined });
    assert.equal(p.evictions.size, 0);
  });

  test('NoSchedule taints evict nobody; a user NoExecute taint does', () => {
    const cordoned = node('node-2', { ready: 'True', taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] });
    assert.deepEqual(summary(plan({ node: cordoned, pods: [pod('web', 'node-2')] })).deletes, []);
    const userTaint = node('node-2', { ready: 'True', taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoExecute' }] });
    assert.deepEqual(summary(plan({ node: userTaint, pods: [pod('web', 'node-2', { tolerations: defaultTolerations }), pod('gpu', 'node-2', { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu' }] })] })).deletes, ['default/web']);
  });

  test('several pods: the earliest pending eviction decides when to look again', () => {
    const pods = [10, 30].map((s) => pod(`p${s}`, 'node-2', { tolerations: [{ operator: 'Exists', tolerationSeconds: s }] }));
    assert.equal(plan({ pods }).plan.requeueAfterMs, 10_000);
  });

  test('pods of another node in the list are ignored', () => {
    assert.deepEqual(summary(plan({ pods: [pod('web', 'node-3')] })).deletes, []);
  });
});
