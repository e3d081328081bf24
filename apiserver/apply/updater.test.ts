import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApplyConflictError } from './conflict.js';
import { FieldSet } from './field-set.js';
import type { Managers } from './managers.js';
import { encodeManagedFields } from './managers.js';
import { typeOfKind } from './schema.js';
import { recordApply, recordUpdate, type Tracked } from './updater.js';
import { changedFieldSet, compare, fieldSetOf } from './walk.js';
import { emptyObjectOf } from './schema.js';

const pods: Tracked = { node: typeOfKind({ group: '', version: 'v1', kind: 'Pod' }), ignored: FieldSet.fromFieldsV1({ 'f:status': {} }) };
const kubectl = { manager: 'kubectl', apiVersion: 'v1' };
const setter = { manager: 'kubectl-set', apiVersion: 'v1' };
const NOW = '2025-01-01T00:00:00Z';

const pod = (image: string, labels: Record<string, string> = { app: 'web' }) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', labels },
  spec: { containers: [{ name: 'nginx', image }] },
});

const fieldsOf = (managers: Managers) => Object.fromEntries(encodeManagedFields(managers).map((e) => [`${e.manager}/${e.operation}`, e.fieldsV1]));

describe('field sets of objects', () => {
  test('list items are members with their fields below them; map keys always; struct fields only as leaves', () => {
    const set = fieldSetOf(pod('nginx:1.27'), pods.node);
    assert.deepEqual(set.toFieldsV1(), {
      'f:apiVersion': {},
      'f:kind': {},
      'f:metadata': { 'f:labels': { 'f:app': {} }, 'f:name': {} },
      'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
    });
  });

  test('a container port is known by number and protocol, TCP when absent', () => {
    const set = fieldSetOf({ spec: { containers: [{ name: 'a', ports: [{ containerPort: 80 }] }] } }, pods.node);
    assert.ok(set.has(['f:spec', 'f:containers', 'k:{"name":"a"}', 'f:ports', 'k:{"containerPort":80,"protocol":"TCP"}']));
  });

  test('compare tells added, changed and removed fields apart', () => {
    const c = compare(pod('a', { app: 'web', old: 'x' }), pod('b', { app: 'web', new: 'y' }), pods.node);
    assert.deepEqual(c.added.toFieldsV1(), { 'f:metadata': { 'f:labels': { 'f:new': {} } } });
    assert.deepEqual(c.removed.toFieldsV1(), { 'f:metadata': { 'f:labels': { 'f:old': {} } } });
    assert.deepEqual(c.modified.toFieldsV1(), { 'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { 'f:image': {} } } } });
  });
});

describe('changed fields in one walk', () => {
  const full = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', labels: { app: 'web', tier: 'front' }, annotations: { note: 'x' }, ownerReferences: [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'rc', uid: 'u' }] },
    spec: {
      containers: [
        { name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80 }, { containerPort: 53, protocol: 'UDP' }], env: [{ name: 'A', value: '1' }], resources: {} },
        { name: 'log', image: 'busybox', args: ['sh', '-c', 'tail -f /dev/null'] },
      ],
      nodeSelector: { disk: 'ssd' },
      tolerations: [{ key: 'k', operator: 'Exists' }],
      volumes: [{ name: 'data', emptyDir: {} }],
      securityContext: {},
      hostNetwork: false,
    },
    status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] },
  };
  const edited = structuredClone(full);
  edited.metadata.labels.tier = 'back';
  delete (edited.metadata as Record<string, unknown>).annotations;
  edited.spec.containers[0]!.image = 'nginx:1.28';
  edited.spec.containers.push({ name: 'sidecar', image: 'envoy', args: [] });
  edited.spec.hostNetwork = true;
  const cases: [string, unknown, unknown][] = [
    ['a create from the empty object', emptyObjectOf(pods.node), full],
    ['a create from nothing', undefined, full],
    ['an update changing, adding and removing fields', full, edited],
    ['an update back', edited, full],
    ['no change', full, structuredClone(full)],
  ];
  for (const [name, lhs, rhs] of cases) {
    test(`${name}: the same set as compare's added and modified`, () => {
      const comparison = compare(lhs, rhs, pods.node);
      assert.deepEqual(changedFieldSet(lhs, rhs, pods.node).toFieldsV1(), comparison.added.union(comparison.modified).toFieldsV1());
    });
  }
});

describe('Update', () => {
  test('a create owns everything it set, the new parents with "."', () => {
    const managers = recordUpdate({ metadata: {}, spec: { containers: null }, status: {} }, pod('a'), pods, new Map(), { manager: 'kubectl-create', apiVersion: 'v1' }, NOW);
    assert.deepEqual(fieldsOf(managers)['kubectl-create/Update'], {
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
    });
  });

  test('takes a field from another manager without a conflict', () => {
    const applied = recordApply(undefined, pod('a'), pods, new Map(), kubectl, false, NOW);
    const managers = recordUpdate(applied.object, pod('b'), pods, applied.managers, setter, NOW);
    const fields = fieldsOf(managers);
    assert.deepEqual(fields['kubectl-set/Update'], { 'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { 'f:image': {} } } } });
    assert.ok(!JSON.stringify(fields['kubectl/Apply']).includes('f:image'));
  });
});

describe('Apply', () => {
  test('applying the same config twice changes nothing', () => {
    const first = recordApply(undefined, pod('a'), pods, new Map(), kubectl, false, NOW);
    const second = recordApply(first.object, pod('a'), pods, first.managers, kubectl, false, NOW);
    assert.deepEqual(second.object, first.object);
    assert.deepEqual(fieldsOf(second.managers), fieldsOf(first.managers));
  });

  test('a field no longer applied is removed, unless another manager owns it', () => {
    const first = recordApply(undefined, pod('a', { app: 'web', tier: 'db' }), pods, new Map(), kubectl, false, NOW);
    const dropped = recordApply(first.object, pod('a', { app: 'web' }), pods, first.managers, kubectl, false, NOW);
    assert.deepEqual((dropped.object as any).metadata.labels, { app: 'web' });
    // Shared: another applier applies the same label with the same value, no conflict.
    const shared = recordApply(first.object, pod('a', { app: 'web', tier: 'db' }), pods, first.managers, { manager: 'other', apiVersion: 'v1' }, false, NOW);
    const kept = recordApply(shared.object, pod('a', { app: 'web' }), pods, shared.managers, kubectl, false, NOW);
    assert.deepEqual((kept.object as any).metadata.labels, { app: 'web', tier: 'db' });
    assert.ok(JSON.stringify(fieldsOf(kept.managers)['other/Apply']).includes('f:tier'));
  });

  test('changing a field another manager owns is a conflict; force takes it over', () => {
    const applied = recordApply(undefined, pod('a'), pods, new Map(), kubectl, false, NOW);
    const managers = recordUpdate(applied.object, pod('b'), pods, applied.managers, setter, NOW);
    assert.throws(
      () => recordApply(pod('b'), pod('c'), pods, managers, kubectl, false, NOW),
      (error: unknown) =>
        error instanceof ApplyConflictError &&
        error.message === 'Apply failed with 1 conflict: conflict with "kubectl-set" using v1: .spec.containers[name="nginx"].image' &&
        error.toStatus().details?.causes?.[0]?.reason === 'FieldManagerConflict',
    );
    const forced = recordApply(pod('b'), pod('c'), pods, managers, kubectl, true, NOW);
    assert.equal((forced.object as any).spec.containers[0].image, 'c');
    assert.equal(fieldsOf(forced.managers)['kubectl-set/Update'], undefined);
  });

  test('list-map items merge by key: another applier adds a container beside the first', () => {
    const first = recordApply(undefined, pod('a'), pods, new Map(), kubectl, false, NOW);
    const sidecar = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { containers: [{ name: 'log', image: 'busybox' }] } };
    const second = recordApply(first.object, sidecar, pods, first.managers, { manager: 'sidecar', apiVersion: 'v1' }, false, NOW);
    assert.deepEqual(
      (second.object as any).spec.containers.map((c: any) => c.name),
      ['nginx', 'log'],
    );
  });
});
