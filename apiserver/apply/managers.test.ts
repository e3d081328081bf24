import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FieldSet } from './field-set.js';
import { capUpdateManagers, managerIdentifier, type ManagerEntry, type Managers } from './managers.js';

function managersOf(entries: readonly Omit<ManagerEntry, 'fields'>[]): Managers {
  return new Map(entries.map((e) => [managerIdentifier(e), { ...e, fields: FieldSet.fromFieldsV1({ [`f:${e.manager}`]: {} }) }]));
}

const update = (manager: string, second: number, apiVersion = 'v1') => ({
  manager,
  operation: 'Update',
  apiVersion,
  time: new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString().replace('.000', ''),
});

test('at most 10 Update managers: the oldest of a version fold into ancient-changes, which takes the last folded time', () => {
  const twelve = managersOf(Array.from({ length: 12 }, (_, i) => update(`m${String(i).padStart(2, '0')}`, i)));
  const capped = capUpdateManagers(twelve);
  const names = [...capped.values()].map((e) => e.manager).sort();
  assert.deepEqual(names, ['ancient-changes', 'm03', 'm04', 'm05', 'm06', 'm07', 'm08', 'm09', 'm10', 'm11']);
  const bucket = [...capped.values()].find((e) => e.manager === 'ancient-changes')!;
  assert.deepEqual(bucket.fields.toFieldsV1(), { 'f:m00': {}, 'f:m01': {}, 'f:m02': {} });
  assert.equal(bucket.time, '2026-01-01T00:00:02Z');
});

test('Apply managers are neither counted nor folded; ten updaters stay as they are', () => {
  const ten = managersOf([...Array.from({ length: 10 }, (_, i) => update(`u${i}`, i)), { manager: 'kubectl', operation: 'Apply', apiVersion: 'v1' }]);
  assert.equal(capUpdateManagers(ten), ten);
});

test('buckets are per apiVersion: an oldest entry alone in its version stays', () => {
  const mixed = managersOf([update('old-beta', 0, 'apps/v1beta2'), ...Array.from({ length: 11 }, (_, i) => update(`m${String(i).padStart(2, '0')}`, i + 1, 'apps/v1'))]);
  const names = [...capUpdateManagers(mixed).values()].map((e) => `${e.manager}@${e.apiVersion}`).sort();
  assert.ok(names.includes('old-beta@apps/v1beta2'));
  assert.ok(names.includes('ancient-changes@apps/v1'));
  assert.equal(names.length, 10);
});
