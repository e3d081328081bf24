// StorageClasses: upstream's defaults and validation, and the DefaultStorageClass admission plugin.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fieldErrorText } from '../../proto/index.js';
import { admitDefaultStorageClass, defaultStorageClassName } from '../admission.js';
import { storageClassTable } from '../tables/storage.js';
import { storageClassStrategy } from './storage-class.js';
import type { KubeObject } from './strategy.js';

const DEFAULT = { 'storageclass.kubernetes.io/is-default-class': 'true' };
const sc = (name: string, annotations?: Record<string, string>, creationTimestamp = '2026-01-01T00:00:00Z'): KubeObject => ({
  metadata: { name, annotations, creationTimestamp },
  provisioner: 'kubelab.dev/simulated',
});

describe('StorageClass', () => {
  test('defaults reclaimPolicy to Delete and volumeBindingMode to Immediate', () => {
    const object = sc('standard');
    storageClassStrategy.defaults!(object);
    assert.equal(object.reclaimPolicy, 'Delete');
    assert.equal(object.volumeBindingMode, 'Immediate');
  });

  test('requires a provisioner and refuses Recycle', () => {
    const errors = storageClassStrategy.validate({ metadata: { name: 'x' }, reclaimPolicy: 'Recycle' }).map(fieldErrorText);
    assert.deepEqual(errors, ['provisioner: Required value', 'reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"']);
  });

  test('keeps its provisioner, parameters, reclaim policy and binding mode', () => {
    const old = { ...sc('standard'), parameters: { type: 'ssd' }, reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' };
    const changed = { ...old, provisioner: 'other.dev/p', parameters: { type: 'hdd' }, reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer' };
    assert.deepEqual(storageClassStrategy.validateUpdate!(changed, old).map(fieldErrorText), [
      'parameters: Forbidden: updates to parameters are forbidden.',
      'provisioner: Forbidden: updates to provisioner are forbidden.',
      'reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.',
      'volumeBindingMode: Invalid value: "WaitForFirstConsumer": field is immutable',
    ]);
  });

  test('kubectl get shows (default) after the default class', () => {
    const cells = storageClassTable.cells({ ...sc('standard', DEFAULT), reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' }, new Date('2026-01-01T00:05:00Z'));
    assert.deepEqual(cells, ['standard (default)', 'kubelab.dev/simulated', 'Delete', 'Immediate', false, '5m']);
  });
});

describe('DefaultStorageClass admission', () => {
  const claim = (spec: Record<string, unknown> = {}, annotations?: Record<string, string>): KubeObject => ({ metadata: { name: 'c', annotations }, spec });
  const cases: { name: string; claim: KubeObject; classes: KubeObject[]; want: unknown }[] = [
    { name: 'a claim without a class gets the default one', claim: claim(), classes: [sc('slow'), sc('standard', DEFAULT)], want: 'standard' },
    { name: 'no default class: the claim stays without one', claim: claim(), classes: [sc('standard')], want: undefined },
    { name: 'an explicit empty class is kept', claim: claim({ storageClassName: '' }), classes: [sc('standard', DEFAULT)], want: '' },
    { name: 'a named class is kept', claim: claim({ storageClassName: 'slow' }), classes: [sc('standard', DEFAULT)], want: 'slow' },
    { name: 'the beta class annotation is left alone', claim: claim({}, { 'volume.beta.kubernetes.io/storage-class': 'slow' }), classes: [sc('standard', DEFAULT)], want: undefined },
    {
      name: 'of two default classes the newest wins',
      claim: claim(),
      classes: [sc('old', DEFAULT, '2026-01-01T00:00:00Z'), sc('new', { 'storageclass.beta.kubernetes.io/is-default-class': 'true' }, '2026-01-02T00:00:00Z')],
      want: 'new',
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      admitDefaultStorageClass(c.claim, c.classes);
      assert.equal((c.claim.spec as { storageClassName?: string }).storageClassName, c.want);
    });
  }

  test('of two default classes made together the first by name wins', () => {
    assert.equal(defaultStorageClassName([sc('b', DEFAULT), sc('a', DEFAULT)]), 'a');
  });
});
