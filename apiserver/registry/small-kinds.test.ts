// ConfigMaps, Endpoints, Events, Leases, Nodes and ControllerRevisions: upstream's validation messages.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fieldErrorText } from '../../proto/index.js';
import { configMapStrategy, controllerRevisionStrategy, endpointsStrategy, eventStrategy, leaseStrategy, nodeStrategy } from './small-kinds.js';

describe('small kinds', () => {
  test('a ConfigMap key must be a config key, and data and binaryData may not share one', () => {
    const errors = configMapStrategy.validate({ metadata: { name: 'c' }, data: { 'bad key': 'x', ok: 'y' }, binaryData: { ok: 'eQ==' } }).map(fieldErrorText);
    assert.deepEqual(errors, [
      `data[bad key]: Invalid value: "bad key": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
      'binaryData[ok]: Invalid value: "ok": duplicate of key present in data',
    ]);
  });

  test('an immutable ConfigMap keeps its data', () => {
    const old = { metadata: { name: 'c' }, data: { a: '1' }, immutable: true };
    assert.deepEqual(configMapStrategy.validateUpdate!({ ...old, data: { a: '2' } }, old).map(fieldErrorText), ['data: Forbidden: field is immutable when `immutable` is set']);
  });

  test('Endpoints need IP addresses and valid ports', () => {
    const errors = endpointsStrategy.validate({ metadata: { name: 'e' }, subsets: [{ addresses: [{ ip: 'web-0' }], ports: [{ port: 70000 }] }] }).map(fieldErrorText);
    assert.deepEqual(errors, [
      'subsets[0].addresses[0].ip: Invalid value: "web-0": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
      'subsets[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
    ]);
  });

  test("an Event lives in its object's namespace and is Normal or Warning", () => {
    const errors = eventStrategy.validate({ metadata: { name: 'e', namespace: 'a' }, involvedObject: { namespace: 'b' }, type: 'Info' }).map(fieldErrorText);
    assert.deepEqual(errors, ['involvedObject.namespace: Invalid value: "b": does not match event.namespace', 'type: Unsupported value: "Info": supported values: "Normal", "Warning"']);
  });

  test('a Node needs valid pod CIDRs and taints with a key and a known effect', () => {
    const errors = nodeStrategy.validate({ metadata: { name: 'node-1' }, spec: { podCIDR: '10.244.1.0/33', taints: [{ key: 'dedicated', effect: 'NoWay' }, { effect: 'NoSchedule' }] } }).map(fieldErrorText);
    assert.deepEqual(errors, [
      'spec.podCIDR: Invalid value: "10.244.1.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
      'spec.taints[0].effect: Unsupported value: "NoWay": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
      'spec.taints[1].key: Required value',
    ]);
    assert.deepEqual(nodeStrategy.validate({ metadata: { name: 'node-1' }, spec: { podCIDR: '10.244.1.0/24', taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] } }), []);
  });

  test('a Lease lasts more than 0 seconds', () => {
    assert.deepEqual(leaseStrategy.validate({ metadata: { name: 'l' }, spec: { leaseDurationSeconds: 0 } }).map(fieldErrorText), ['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0']);
  });

  test('a ControllerRevision needs data and a revision of 0 or more, and its data never changes', () => {
    const errors = controllerRevisionStrategy.validate({ metadata: { name: 'web-5d4f' }, revision: -1 }).map(fieldErrorText);
    assert.deepEqual(errors, ['data: Required value: data is mandatory', 'revision: Invalid value: -1: must be greater than or equal to 0']);
    const old = { metadata: { name: 'web-5d4f' }, data: { spec: { template: { $patch: 'replace' } } }, revision: 1 };
    assert.deepEqual(controllerRevisionStrategy.validate(old), []);
    assert.deepEqual(controllerRevisionStrategy.validateUpdate!({ ...old, revision: 3 }, old), []);
    const changed = controllerRevisionStrategy.validateUpdate!({ ...old, data: { spec: {} } }, old);
    assert.deepEqual(
      changed.map((e) => [e.type, e.field, e.detail]),
      [['FieldValueInvalid', 'data', 'field is immutable']],
    );
  });
});
