import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Node } from 'kubernetes-types/core/v1.js';
import { iso, lease, node, pod, T0 } from '../test-support.js';
import type { NodeHealth } from './health.js';
import { planNodeLifecycle, type NodeLifecycleInput } from './plan.js';

const options = { nodeMonitorGracePeriodMs: 20_000, nodeStartupGracePeriodMs: 60_000 };

function plan(input: Partial<NodeLifecycleInput> & { node: Node | undefined }) {
  return planNodeLifecycle({ nodeName: input.node?.metadata?.name ?? 'node-2', lease: undefined, pods: [], health: undefined, tainting: 'add', now: T0, options, ...input });
}

/** What the controller remembers after having seen the node (Ready at T0) at `at`. */
const seenAt = (at: number, leaseRenew?: number): NodeHealth => ({
  uid: 'uid-node-2',
  probeTimestamp: at,
  readyTransitionTimestamp: at,
  ready: { lastHeartbeatTime: iso(T0), lastTransitionTime: iso(T0) },
  leaseRenewTime: leaseRenew === undefined ? undefined : lease('node-2', leaseRenew).spec!.renewTime,
});

const statusPatch = (p: ReturnType<typeof plan>) => p.plan.patches.find((x) => x.subresource === 'status' && x.kind === 'Node');
const taintPatch = (p: ReturnType<typeof plan>) => p.plan.patches.find((x) => x.subresource === undefined && x.kind === 'Node');
const taintsOf = (p: ReturnType<typeof plan>) => (taintPatch(p)?.patch as { spec: { taints: { key: string; effect: string; timeAdded?: string }[] | null } } | undefined)?.spec.taints;

describe('node lifecycle plan: registration and removal', () => {
  test('a node seen for the first time gets RegisteredNode, worded as upstream', () => {
    const p = plan({ node: node('node-2', { ready: 'True' }) });
    assert.deepEqual(p.plan.events, [
      { regarding: { apiVersion: 'v1', kind: 'Node', name: 'node-2', uid: 'uid-node-2' }, type: 'Normal', reason: 'RegisteredNode', message: 'Node node-2 event: Registered Node node-2 in Controller' },
    ]);
    assert.equal(p.health?.probeTimestamp, T0);
  });

  test('a node already known gets no event', () => {
    assert.deepEqual(plan({ node: node('node-2', { ready: 'True' }), health: seenAt(T0) }).plan.events, []);
  });

  test('a node deleted is forgotten, with RemovingNode', () => {
    const p = plan({ nodeName: 'node-2', node: undefined, health: seenAt(T0) });
    assert.equal(p.health, undefined);
    assert.equal(p.plan.events[0]?.message, 'Node node-2 event: Removing Node node-2 from Controller');
  });

  test('a node never seen and gone does nothing', () => {
    const p = plan({ nodeName: 'node-2', node: undefined });
    assert.deepEqual(p.plan, { events: [], patches: [], deletes: [] });
  });
});

describe('node lifecycle plan: health', () => {
  const ready = node('node-2', { ready: 'True' });

  test('within the grace period nothing is written and the node is looked at again when it runs out', () => {
    const p = plan({ node: ready, health: seenAt(T0), now: T0 + 5_000 });
    assert.deepEqual(p.plan.patches, []);
    assert.equal(p.plan.requeueAfterMs, 15_001);
  });

  test('a renewed Lease is a sign of life: the grace period starts again, by the controller clock', () => {
    const p = plan({ node: ready, health: seenAt(T0, T0), lease: lease('node-2', T0 + 10_000), now: T0 + 19_000 });
    assert.equal(p.health?.probeTimestamp, T0 + 19_000);
    assert.equal(p.plan.requeueAfterMs, 20_001);
  });

  test('a Lease whose renewTime did not move is no sign of life, whatever its time says', () => {
    const p = plan({ node: ready, health: seenAt(T0, T0 + 999_000), lease: lease('node-2', T0 + 999_000), now: T0 + 21_000 });
    assert.equal(p.health?.probeTimestamp, T0);
    assert.ok(statusPatch(p));
  });

  test('a new heartbeat on Ready is a sign of life too', () => {
    const p = plan({ node: node('node-2', { ready: 'True', heartbeat: T0 + 10_000 }), health: seenAt(T0), now: T0 + 25_000 });
    assert.equal(p.health?.probeTimestamp, T0 + 25_000);
    assert.equal(p.health?.readyTransitionTimestamp, T0, 'the transition time did not change');
    assert.equal(statusPatch(p), undefined);
  });

  test('just at the grace period the node is still alive (upstream: now after probe + grace)', () => {
    assert.equal(statusPatch(plan({ node: ready, health: seenAt(T0), now: T0 + 20_000 })), undefined);
  });

  test('past the grace period Ready and the kubelet conditions become Unknown, NotReady is recorded, pods are marked not ready', () => {
    const withPressure = node('node-2', {
      ready: 'True',
      conditions: [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', lastHeartbeatTime: iso(T0), lastTransitionTime: iso(T0) },
        { type: 'NetworkUnavailable', status: 'False', reason: 'RouteCreated', lastHeartbeatTime: iso(T0), lastTransitionTime: iso(T0) },
      ],
    });
    const now = T0 + 20_001;
    const p = plan({ node: withPressure, health: seenAt(T0), now, pods: [pod('web', 'node-2', { ready: 'True' }), pod('done', 'node-2', { ready: 'False' }), pod('elsewhere', 'node-3', { ready: 'True' })] });
    const status = statusPatch(p)!;
    assert.equal(status.patchType, 'strategic');
    assert.deepEqual(status.patch, {
      metadata: { resourceVersion: '7' },
      status: {
        conditions: [
          { type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastHeartbeatTime: iso(T0), lastTransitionTime: iso(now) },
          { type: 'MemoryPressure', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastHeartbeatTime: iso(T0), lastTransitionTime: iso(now) },
          { type: 'DiskPressure', status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: iso(T0), lastTransitionTime: iso(now) },
          { type: 'PIDPressure', status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: iso(T0), lastTransitionTime: iso(now) },
        ],
      },
    });
    assert.deepEqual(
      p.plan.events.map((e) => [e.regarding.kind, e.regarding.name, e.type, e.reason, e.message]),
      [
        ['Node', 'node-2', 'Normal', 'NodeNotReady', 'Node node-2 status is now: NodeNotReady'],
        ['Pod', 'web', 'Warning', 'NodeNotReady', 'Node is not ready'],
      ],
    );
    const podPatch = p.plan.patches.find((x) => x.kind === 'Pod')!;
    assert.deepEqual(podPatch, {
      kind: 'Pod',
      namespace: 'default',
      name: 'web',
      subresource: 'status',
      patchType: 'strategic',
      patch: { status: { conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: iso(now) }] } },
      reason: 'node not ready',
    });
    assert.equal(taintPatch(p), undefined, 'taints wait for the next sync, from the conditions written');
    assert.equal(p.plan.requeueAfterMs, undefined);
  });

  test('a node the kubelet itself reported NotReady goes Unknown without NodeNotReady (the kubelet recorded it)', () => {
    const p = plan({ node: node('node-2', { ready: 'False' }), health: seenAt(T0), now: T0 + 30_000, pods: [pod('web', 'node-2', { ready: 'True' })] });
    assert.ok(statusPatch(p));
    assert.deepEqual(p.plan.events, []);
    assert.equal(p.plan.patches.length, 1);
  });

  test('a node already Unknown is not written again', () => {
    const p = plan({ node: node('node-2', { ready: 'Unknown', taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }] }), health: seenAt(T0), now: T0 + 60_000 });
    assert.deepEqual(p.plan.patches, []);
  });

  test('a node that never posted Ready has the startup grace period, from its creation', () => {
    const fresh = node('node-2', { created: T0 });
    assert.equal(statusPatch(plan({ node: fresh, now: T0 + 59_000 })), undefined);
    const p = plan({ node: fresh, now: T0 + 60_001 });
    const conditions = (statusPatch(p)!.patch as { status: { conditions: { type: string; reason: string; message: string }[] } }).status.conditions;
    assert.deepEqual(
      conditions.map((c) => [c.type, c.reason, c.message]),
      ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'].map((t) => [t, 'NodeStatusNeverUpdated', 'Kubelet never posted node status.']),
    );
  });

  test('a controller that restarts gives every node a fresh grace period', () => {
    const p = plan({ node: node('node-2', { ready: 'True', heartbeat: T0 - 3_600_000 }), now: T0 });
    assert.equal(statusPatch(p), undefined);
    assert.equal(p.health?.probeTimestamp, T0);
  });
});

describe('node lifecycle plan: taints', () => {
  const unreachableNoSchedule = { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' };
  const unreachableNoExecute = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' };
  const notReadyNoExecute = { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' };
  const now = T0 + 1_000;
  const cases: { name: string; node: Node; tainting?: 'add' | 'keep' | 'remove'; want: object[] | null | undefined }[] = [
    { name: 'a Ready node needs none', node: node('n', { ready: 'True' }), want: undefined },
    {
      name: 'an Unknown node gets unreachable NoSchedule and NoExecute, each with timeAdded',
      node: node('n', { ready: 'Unknown' }),
      want: [
        { ...unreachableNoSchedule, timeAdded: iso(now) },
        { ...unreachableNoExecute, timeAdded: iso(now) },
      ],
    },
    {
      name: 'a NotReady node gets not-ready NoSchedule and NoExecute',
      node: node('n', { ready: 'False' }),
      want: [
        { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule', timeAdded: iso(now) },
        { ...notReadyNoExecute, timeAdded: iso(now) },
      ],
    },
    {
      name: 'not-ready and unreachable swap when Ready goes from False to Unknown, other taints kept in place',
      node: node('n', { ready: 'Unknown', taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule', timeAdded: iso(T0) }, { ...notReadyNoExecute, timeAdded: iso(T0) }] }),
      want: [
        { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
        { ...unreachableNoSchedule, timeAdded: iso(now) },
        { ...unreachableNoExecute, timeAdded: iso(now) },
      ],
    },
    {
      name: 'a node Ready again loses them all (taints set to null when none is left)',
      node: node('n', { ready: 'True', taints: [{ ...unreachableNoSchedule, timeAdded: iso(T0) }, { ...unreachableNoExecute, timeAdded: iso(T0) }] }),
      want: null,
    },
    { name: 'taints already right are not written', node: node('n', { ready: 'Unknown', taints: [{ ...unreachableNoSchedule, timeAdded: iso(T0) }, { ...unreachableNoExecute, timeAdded: iso(T0) }] }), want: undefined },
    { name: 'a cordoned node gets unschedulable NoSchedule', node: node('n', { ready: 'True', unschedulable: true }), want: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: iso(now) }] },
    { name: 'an uncordoned node loses it', node: node('n', { ready: 'True', taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] }), want: null },
    {
      name: 'pressure conditions and NetworkUnavailable become NoSchedule taints',
      node: node('n', {
        ready: 'True',
        conditions: ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable'].map((type) => ({ type, status: 'True' })),
      }),
      want: ['memory-pressure', 'disk-pressure', 'pid-pressure', 'network-unavailable'].map((k) => ({ key: `node.kubernetes.io/${k}`, effect: 'NoSchedule', timeAdded: iso(now) })),
    },
    {
      name: "a user's NoExecute taint with the same key but another effect is not ours",
      node: node('n', { ready: 'True', taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoExecute' }] }),
      want: undefined,
    },
    {
      name: 'while evictions are rate-limited to zero no NoExecute taint is added',
      node: node('n', { ready: 'Unknown' }),
      tainting: 'keep',
      want: [{ ...unreachableNoSchedule, timeAdded: iso(now) }],
    },
    {
      name: 'while rate-limited to zero an existing NoExecute taint still swaps',
      node: node('n', { ready: 'Unknown', taints: [{ ...unreachableNoSchedule, timeAdded: iso(T0) }, { ...notReadyNoExecute, timeAdded: iso(T0) }] }),
      tainting: 'keep',
      want: [
        { ...unreachableNoSchedule, timeAdded: iso(T0) },
        { ...unreachableNoExecute, timeAdded: iso(now) },
      ],
    },
    {
      name: 'in full disruption NoExecute taints come off although the node is Unknown',
      node: node('n', { ready: 'Unknown', taints: [{ ...unreachableNoSchedule, timeAdded: iso(T0) }, { ...unreachableNoExecute, timeAdded: iso(T0) }] }),
      tainting: 'remove',
      want: [{ ...unreachableNoSchedule, timeAdded: iso(T0) }],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const p = plan({ node: c.node, health: { ...seenAt(now), uid: 'uid-n' }, tainting: c.tainting ?? 'add', now });
      assert.deepEqual(taintsOf(p), c.want);
      if (c.want !== undefined) assert.deepEqual((taintPatch(p)!.patch as { metadata: object }).metadata, { resourceVersion: '7' }, 'guarded by the resourceVersion read');
    });
  }
});
