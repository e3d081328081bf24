import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Namespace } from 'kubernetes-types/core/v1.js';
import { T0, iso } from '../test-support.js';
import { namespaceToEmpty, planContentDeletion, planNamespaceStatus, type ContentObject, type ResourceContent } from './plan.js';

const terminating = (conditions: NonNullable<Namespace['status']>['conditions'] = []): Namespace => ({
  metadata: { name: 'lab', deletionTimestamp: iso(T0) },
  spec: { finalizers: ['kubernetes'] },
  status: { phase: 'Terminating', conditions },
});
const item = (name: string, extra: Partial<NonNullable<ContentObject['metadata']>> = {}, rest: Omit<ContentObject, 'metadata'> = {}): ContentObject => ({ metadata: { name, namespace: 'lab', ...extra }, ...rest });
const pods = (...items: ContentObject[]): ResourceContent => ({ kind: 'Pod', plural: 'pods', group: '', items });
const configMaps = (...items: ContentObject[]): ResourceContent => ({ kind: 'ConfigMap', plural: 'configmaps', group: '', items });
const conditionsOf = (namespace: Namespace, remaining: ResourceContent[]) => {
  const patch = planNamespaceStatus(namespace, remaining, T0).plan.patches[0]?.patch as { status: { conditions: { type: string; status: string; reason: string; message: string }[] } } | undefined;
  return patch?.status.conditions;
};

describe('namespace deletion (upstream namespaced_resources_deleter)', () => {
  test('only a namespace being deleted and holding the kubernetes finalizer is emptied', () => {
    assert.equal(namespaceToEmpty(terminating()), true);
    assert.equal(namespaceToEmpty({ metadata: { name: 'lab' }, spec: { finalizers: ['kubernetes'] } }), false);
    assert.equal(namespaceToEmpty({ ...terminating(), spec: { finalizers: [] } }), false);
    assert.equal(namespaceToEmpty(undefined), false);
  });

  test('every object not already being deleted is deleted in the background', () => {
    const plan = planContentDeletion([pods(item('a'), item('b', { deletionTimestamp: iso(T0) })), configMaps(item('c'))]);
    assert.deepEqual(
      plan.deletes.map((d) => [d.kind, d.namespace, d.name, d.propagationPolicy]),
      [
        ['Pod', 'lab', 'a', 'Background'],
        ['ConfigMap', 'lab', 'c', 'Background'],
      ],
    );
  });

  test('with nothing left: the conditions say so, and the finalizer goes', () => {
    const decision = planNamespaceStatus(terminating(), [pods(), configMaps()], T0);
    assert.equal(decision.finalize, true);
    assert.equal(decision.plan.requeueAfterMs, undefined);
    assert.deepEqual(
      conditionsOf(terminating(), [])?.map((c) => [c.type, c.status, c.reason]),
      [
        ['NamespaceDeletionDiscoveryFailure', 'False', 'ResourcesDiscovered'],
        ['NamespaceDeletionGroupVersionParsingFailure', 'False', 'ParsedGroupVersions'],
        ['NamespaceDeletionContentFailure', 'False', 'ContentDeleted'],
        ['NamespaceContentRemaining', 'False', 'ContentRemoved'],
        ['NamespaceFinalizersRemaining', 'False', 'ContentHasNoFinalizers'],
      ],
    );
  });

  test('pods still terminating: SomeResourcesRemain, and a look again after half their grace period and a second', () => {
    const remaining = [pods(item('a', { deletionTimestamp: iso(T0) }, { spec: { terminationGracePeriodSeconds: 30 } }), item('b', { deletionTimestamp: iso(T0) }))];
    const decision = planNamespaceStatus(terminating(), remaining, T0);
    assert.equal(decision.finalize, false);
    assert.equal(decision.plan.requeueAfterMs, 16_000);
    const remainingCondition = conditionsOf(terminating(), remaining)?.find((c) => c.type === 'NamespaceContentRemaining');
    assert.deepEqual(remainingCondition && [remainingCondition.status, remainingCondition.reason, remainingCondition.message], [
      'True',
      'SomeResourcesRemain',
      'Some resources are remaining: pods. has 2 resource instances',
    ]);
  });

  test('objects held by finalizers: SomeFinalizersRemain, counted by finalizer, and 15 s given', () => {
    const remaining = [configMaps(item('c', { deletionTimestamp: iso(T0), finalizers: ['example.com/x', 'foregroundDeletion'] }), item('d', { deletionTimestamp: iso(T0), finalizers: ['example.com/x'] }))];
    const decision = planNamespaceStatus(terminating(), remaining, T0);
    assert.equal(decision.plan.requeueAfterMs, 8_000);
    const condition = conditionsOf(terminating(), remaining)?.find((c) => c.type === 'NamespaceFinalizersRemaining');
    assert.equal(condition?.message, 'Some content in the namespace has finalizers remaining: example.com/x in 2 resource instances, foregroundDeletion in 1 resource instances');
  });

  test('conditions already as they should be are not written again', () => {
    const first = conditionsOf(terminating(), [])!;
    const settled = terminating(first.map((c) => ({ ...c, lastTransitionTime: iso(T0) })));
    assert.deepEqual(planNamespaceStatus(settled, [], T0 + 5_000).plan.patches, []);
  });
});
