import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseDuration } from '../proto/index.js';
import { knownControllers, resolveControllerNames, UnknownControllerError } from './registry.js';

describe('flags', () => {
  test('durations read as Go writes them', () => {
    assert.equal(parseDuration('15s'), 15_000);
    assert.equal(parseDuration('1m30s'), 90_000);
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('1.5h'), 5_400_000);
    assert.equal(parseDuration('0'), 0);
    assert.throws(() => parseDuration('15'), /invalid duration "15"/);
    assert.throws(() => parseDuration('10x'), RangeError);
  });

  test('controllers are named short or as upstream, all by default or with *', () => {
    assert.deepEqual(knownControllers, [
      'nodelifecycle',
      'scheduler',
      'tainteviction',
      'namespace',
      'podgc',
      'garbagecollector',
      'endpoints',
      'endpointslice',
      'daemonset',
      'persistentvolume-binder',
      'simulated-provisioner',
      'statefulset',
      'replicationcontroller',
      'clusterrole-aggregation',
    ]);
    assert.deepEqual(resolveControllerNames(undefined), knownControllers);
    assert.deepEqual(resolveControllerNames(['*']), knownControllers);
    assert.deepEqual(resolveControllerNames(['taint-eviction-controller', 'garbage-collector-controller', 'pod-garbage-collector']), ['tainteviction', 'podgc', 'garbagecollector']);
    assert.deepEqual(resolveControllerNames(['daemonset-controller', 'kube-scheduler']), ['scheduler', 'daemonset']);
    assert.deepEqual(resolveControllerNames(['tainteviction', 'nodelifecycle']), ['nodelifecycle', 'tainteviction']);
    assert.deepEqual(resolveControllerNames(['persistentvolume-binder-controller']), ['persistentvolume-binder']);
    assert.deepEqual(resolveControllerNames(['statefulset-controller']), ['statefulset']);
    assert.deepEqual(resolveControllerNames(['endpointslice-controller', 'endpoints-controller']), ['endpoints', 'endpointslice']);
    assert.deepEqual(resolveControllerNames(['replicationcontroller-controller']), ['replicationcontroller']);
  });

  test('an unknown controller is an error listing the known ones', () => {
    assert.throws(() => resolveControllerNames(['nodelifecycle', 'no-such']), (error: unknown) => {
      assert.ok(error instanceof UnknownControllerError);
      assert.equal(error.message, `unknown controller "no-such"; known controllers: ${knownControllers.join(', ')}`);
      return true;
    });
  });
});
