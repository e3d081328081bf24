import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApplyConflictError } from './conflict.js';
import { FieldSet } from './field-set.js';
import type { Managers } from './managers.js';
import { encodeManagedFields } from './managers.js';
import { typeOfKind } from './schema.js';
import { recordApply, recordUpdate, type Tracked } from './updater.js';
import { compare, fieldSetOf } from './walk.js';

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
