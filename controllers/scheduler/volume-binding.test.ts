import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.js';
import { node } from '../test-support.js';
import { newNodeInfo } from './node-info.js';
import { schedulePod } from './plan.js';
import { volumeBindingRejection } from './volume-binding.js';

const pod = (...claims: string[]): Pod => ({
  metadata: { name: 'web-0', namespace: 'default' },
  spec: { containers: [{ name: 'nginx', image: 'nginx' }], volumes: claims.map((claimName) => ({ name: claimName, persistentVolumeClaim: { claimName } })) },
});
const claim = (name: string, bound: boolean, extra: Partial<PersistentVolumeClaim['metadata']> = {}): PersistentVolumeClaim => ({
  metadata: { name, namespace: 'default', ...(bound ? { annotations: { 'pv.kubernetes.io/bind-completed': 'yes' } } : {}), ...extra },
  spec: bound ? { volumeName: 'pv001' } : {},
});

describe('VolumeBinding PreFilter', () => {
  const claims = new Map([
    ['bound', claim('bound', true)],
    ['pending', claim('pending', false)],
    ['going', claim('going', true, { deletionTimestamp: '2026-01-01T00:00:00Z' })],
  ]);
  const cases: [string, Pod, string | undefined][] = [
    ['a pod without claims passes', pod(), undefined],
    ['a pod whose claims are bound passes', pod('bound'), undefined],
    ['an unbound claim holds the pod', pod('bound', 'pending'), 'pod has unbound immediate PersistentVolumeClaims'],
    ['a missing claim holds the pod', pod('www-web-0'), 'persistentvolumeclaim "www-web-0" not found'],
    ['a claim being deleted holds the pod', pod('going'), 'persistentvolumeclaim "going" is being deleted'],
  ];
  for (const [name, p, want] of cases) test(name, () => assert.equal(volumeBindingRejection(p, (n) => claims.get(n)), want));

  test("the pod's FailedScheduling message is upstream's", () => {
    const nodes = ['node-1', 'node-2', 'node-3'].map((n) => newNodeInfo(node(n, { ready: 'True' })));
    const { decision } = schedulePod({ pod: pod('pending'), usage: { requests: { milliCpu: 0, memory: 0 }, nonZero: { milliCpu: 100, memory: 200 << 20 }, hostPorts: [] }, nodes, startIndex: 0, random: () => 0, preFilterRejection: 'pod has unbound immediate PersistentVolumeClaims' });
    assert.deepEqual(decision, {
      unschedulable: '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    });
  });
});
