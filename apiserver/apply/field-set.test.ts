import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FieldSet, pathText } from './field-set.js';

describe('FieldSet and FieldsV1', () => {
  test('encodes list-map keys, set values and the item itself as upstream writes them', () => {
    const set = new FieldSet();
    set.insert(['f:metadata', 'f:labels', 'f:app']);
    set.insert(['f:spec', 'f:containers', 'k:{"name":"nginx"}']);
    set.insert(['f:spec', 'f:containers', 'k:{"name":"nginx"}', 'f:image']);
    set.insert(['f:metadata', 'f:finalizers', 'v:"example.com/x"']);
    assert.deepEqual(set.toFieldsV1(), {
      'f:metadata': { 'f:finalizers': { 'v:"example.com/x"': {} }, 'f:labels': { 'f:app': {} } },
      'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {} } } },
    });
  });

  test('reads FieldsV1 back into the same set, and orders keys by their field count then values', () => {
    const fields = {
      'f:spec': {
        'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {} }, 'k:{"port":443,"protocol":"TCP"}': { '.': {} } },
      },
    };
    const set = FieldSet.fromFieldsV1(fields);
    assert.ok(set.has(['f:spec', 'f:ports', 'k:{"port":443,"protocol":"TCP"}']));
    assert.ok(!set.has(['f:spec', 'f:ports']));
    assert.deepEqual(Object.keys((set.toFieldsV1()['f:spec'] as any)['f:ports']), ['k:{"port":80,"protocol":"TCP"}', 'k:{"port":443,"protocol":"TCP"}']);
  });

  test('refuses a key that is none of f:, k:, v:, i:', () => {
    assert.throws(() => FieldSet.fromFieldsV1({ 'x:foo': {} }), /unexpected path element/);
    assert.throws(() => FieldSet.fromFieldsV1({ 'f:a': 'b' }), /expected an object/);
  });

  test('difference keeps what lies below a removed member; recursive difference drops it', () => {
    const set = FieldSet.fromFieldsV1({ 'f:status': { '.': {}, 'f:phase': {} }, 'f:spec': { 'f:x': {} } });
    const status = FieldSet.fromFieldsV1({ 'f:status': {} });
    assert.deepEqual(set.difference(status).toFieldsV1(), { 'f:spec': { 'f:x': {} }, 'f:status': { 'f:phase': {} } });
    assert.deepEqual(set.recursiveDifference(status).toFieldsV1(), { 'f:spec': { 'f:x': {} } });
  });

  test('prints paths as upstream conflict messages do', () => {
    assert.equal(pathText(['f:spec', 'f:containers', 'k:{"name":"nginx"}', 'f:image']), '.spec.containers[name="nginx"].image');
    assert.equal(pathText(['f:spec', 'f:ports', 'k:{"port":80,"protocol":"TCP"}']), '.spec.ports[port=80,protocol="TCP"]');
    assert.equal(pathText(['f:metadata', 'f:finalizers', 'v:"a"']), '.metadata.finalizers[="a"]');
  });
});
