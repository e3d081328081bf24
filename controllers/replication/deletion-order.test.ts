import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deleteBefore, deletionCost, podsToDelete, rankByRelatedPodsOnSameNode } from './deletion-order.js';
import { names, replicaPod, T0, type PodShape } from './test-support.js';

/** Of two pods (shapes), the one deleted first. */
function first(a: PodShape, b: PodShape, related: PodShape[] = []): string {
  const pods = [replicaPod('a', a), replicaPod('b', b)];
  const relatedPods = related.map((r, i) => replicaPod(`r${i}`, r));
  const one = names(podsToDelete(pods, relatedPods, 1, T0))[0]!;
  const reversed = names(podsToDelete([...pods].reverse(), relatedPods, 1, T0))[0]!;
  assert.equal(one, reversed, 'the order does not depend on the list order');
  return one;
}

describe('which surplus pod goes first (upstream ActivePodsWithRanks.Less)', () => {
  const on = (node: string, more: PodShape = {}): PodShape => ({ node, ...more });
  const cases: { rule: string; a: PodShape; b: PodShape; related?: PodShape[]; want: 'a' | 'b' }[] = [
    { rule: '1. unassigned before assigned', a: on('node-2'), b: { phase: 'Pending' }, want: 'b' },
    { rule: '1. ... even if the assigned one is Pending and the other Running', a: on('node-2', { phase: 'Pending' }), b: { phase: 'Running', ready: true }, want: 'b' },
    { rule: '2. Pending before Running', a: on('node-2'), b: on('node-2', { phase: 'Pending' }), want: 'b' },
    { rule: '2. Pending before Unknown', a: on('node-2', { phase: 'Unknown' }), b: on('node-2', { phase: 'Pending' }), want: 'b' },
    { rule: '2. Unknown before Running', a: on('node-2'), b: on('node-2', { phase: 'Unknown' }), want: 'b' },
    { rule: '3. not ready before ready', a: on('node-2'), b: on('node-2', { ready: false }), want: 'b' },
    { rule: '4. lower pod-deletion-cost first', a: on('node-2', { cost: '10' }), b: on('node-2', { cost: '-5' }), want: 'b' },
    { rule: '4. no cost counts as 0', a: on('node-2'), b: on('node-2', { cost: '-1' }), want: 'b' },
    { rule: '4. ... before the rank', a: on('node-2', { cost: '1' }), b: on('node-3'), related: [on('node-2'), on('node-2')], want: 'b' },
    { rule: '5. more related pods on its node first', a: on('node-3'), b: on('node-2'), related: [on('node-2'), on('node-2'), on('node-3')], want: 'b' },
    { rule: '5. ... related pods being deleted do not count', a: on('node-3'), b: on('node-2'), related: [on('node-2', { deleting: true }), on('node-2', { deleting: true }), on('node-3')], want: 'a' },
    { rule: '5. ... before ready time', a: on('node-2', { readySince: T0 - 1_000 }), b: on('node-3', { readySince: T0 - 3_600_000 }), related: [on('node-3'), on('node-3')], want: 'b' },
    { rule: '6. ready for less time first', a: on('node-2', { readySince: T0 - 3_600_000 }), b: on('node-2', { readySince: T0 - 60_000 }), want: 'b' },
    { rule: '6. ... by powers of two: 40 s and 50 s are alike, the lower uid first', a: on('node-2', { readySince: T0 - 40_000, uid: 'u1' }), b: on('node-2', { readySince: T0 - 50_000, uid: 'u2' }), want: 'a' },
    { rule: '7. more restarts first', a: on('node-2', { restarts: 1 }), b: on('node-2', { restarts: 4 }), want: 'b' },
    { rule: '7. ... before age', a: on('node-2', { restarts: 2, created: T0 - 10_000 }), b: on('node-2', { created: T0 - 3_600_000 }), want: 'a' },
    { rule: '8. newer first', a: on('node-2', { created: T0 - 3_600_000 }), b: on('node-2', { created: T0 - 60_000 }), want: 'b' },
    { rule: '8. no creation time first', a: on('node-2'), b: on('node-2', { created: null }), want: 'b' },
    { rule: '8. ... by powers of two, then uid', a: on('node-2', { created: T0 - 70_000, uid: 'u2' }), b: on('node-2', { created: T0 - 100_000, uid: 'u1' }), want: 'b' },
  ];
  for (const c of cases) test(c.rule, () => assert.equal(first(c.a, c.b, c.related), c.want));

  test('two pods alike in every rule: neither goes before the other', () => {
    const [a, b] = rankByRelatedPodsOnSameNode([replicaPod('a', { node: 'node-2' }), replicaPod('b', { node: 'node-2', uid: 'uid-a' })], []);
    assert.equal(deleteBefore(a!, b!, T0), false);
    assert.equal(deleteBefore(b!, a!, T0), false);
  });

  test('pod-deletion-cost reads an int32; anything else is 0', () => {
    const cost = (value: string) => deletionCost(replicaPod('p', { cost: value }));
    assert.deepEqual(['7', '-3', ' 12 ', '2147483648', 'x', '1.5', ''].map(cost), [7, -3, 12, 0, 0, 0, 0]);
  });

  test('deleting every pod does not sort them', () => {
    const pods = [replicaPod('a', { node: 'node-2' }), replicaPod('b', { phase: 'Pending' })];
    assert.deepEqual(names(podsToDelete(pods, [], 2, T0)), ['a', 'b']);
  });

  test('S8: scaling 3 to 1 keeps the oldest ready pod when all else is equal', () => {
    const pods = [replicaPod('p1', { node: 'node-2', created: T0 - 600_000, readySince: T0 - 590_000 }), replicaPod('p2', { node: 'node-3', created: T0 - 20_000, readySince: T0 - 15_000 }), replicaPod('p3', { node: 'node-2', created: T0 - 20_000, readySince: T0 - 16_000, uid: 'uid-p0' })];
    assert.deepEqual(names(podsToDelete(pods, [], 2, T0)).sort(), ['p2', 'p3']);
  });
});
