import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ControllerRevision } from 'kubernetes-types/apps/v1.js';
import { applyRevision, newRevision, revisionsToTruncate, updateRevisionStep } from './revisions.js';
import { setPod, statefulSet } from './test-support.js';

const named = (r: ControllerRevision, revision: number): ControllerRevision => ({ ...r, revision });

describe('revisions (upstream getStatefulSetRevisions, truncateHistory)', () => {
  test('a revision is named <set>-<hash>, holds the template as a replace patch and carries the template labels and its hash', () => {
    const r = newRevision(statefulSet(), 1, 0);
    assert.match(r.metadata?.name ?? '', /^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.deepEqual(r.metadata?.labels, { app: 'nginx', role: 'stateful', 'controller-revision-hash': r.metadata?.name?.slice('web-'.length) });
    assert.equal((r.data as { spec: { template: { $patch: string } } }).spec.template.$patch, 'replace');
    assert.notEqual(newRevision(statefulSet(), 1, 1).metadata?.name, r.metadata?.name, 'a collision count changes the name');
    assert.notEqual(newRevision(statefulSet({ image: 'nginx:1.28' }), 1, 0).metadata?.name, r.metadata?.name);
  });

  test('no history: create revision 1; same template: unchanged; new template: create the next number', () => {
    const set = statefulSet();
    const step = updateRevisionStep(set, []);
    assert.equal(step.kind, 'create');
    assert.equal(step.revision.revision, 1);
    assert.equal(updateRevisionStep(set, [step.revision]).kind, 'unchanged');
    const next = updateRevisionStep(statefulSet({ image: 'nginx:1.28' }), [step.revision]);
    assert.deepEqual([next.kind, next.revision.revision], ['create', 2]);
  });

  test('going back to an older template renumbers that revision (kubectl rollout undo)', () => {
    const r1 = named(newRevision(statefulSet(), 1, 0), 1);
    const r2 = named(newRevision(statefulSet({ image: 'nginx:1.28' }), 2, 0), 2);
    const step = updateRevisionStep(statefulSet(), [r1, r2]);
    assert.deepEqual([step.kind, step.revision.metadata?.name, step.kind === 'renumber' && step.to], ['renumber', r1.metadata?.name, 3]);
  });

  test('applyRevision gives back the revision template', () => {
    const r1 = newRevision(statefulSet(), 1, 0);
    assert.equal(applyRevision(statefulSet({ image: 'nginx:1.28' }), r1).spec?.template.spec?.containers[0]?.image, 'nginx:1.27');
  });

  test('history beyond revisionHistoryLimit: the oldest revisions no pod, current or update revision uses', () => {
    const set = { ...statefulSet(), spec: { ...statefulSet().spec!, revisionHistoryLimit: 1 } };
    const revs = [1, 2, 3, 4, 5].map((n) => named({ ...newRevision(statefulSet({ image: `nginx:1.${n}` }), n, 0) }, n));
    const name = (n: number) => revs[n - 1]!.metadata?.name ?? '';
    const pods = [setPod(set, 0, { revision: name(1) })];
    assert.deepEqual(revisionsToTruncate(set, revs, pods, name(4), name(5)).map((r) => r.revision), [2]);
  });
});
