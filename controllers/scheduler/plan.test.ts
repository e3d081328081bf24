import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Container, Node, Pod } from 'kubernetes-types/core/v1.js';
import { node as testNode } from '../test-support.js';
import { addUsage, newNodeInfo, podUsage, type NodeInfo } from './node-info.js';
import { balancedAllocationScore, candidateNodeNames, feasibleNodesToFind, filterNode, fitErrorMessage, leastAllocatedScore, schedulePod, selectHost, unschedulablePlan } from './plan.js';
import { milliValue, parseQuantity, wholeValue } from './quantity.js';

const CONTROL_PLANE = 'node-role.kubernetes.io/control-plane';

function node(name: string, shape: Parameters<typeof testNode>[1] = {}, allocatable = { cpu: '4', memory: '8Gi', pods: '110' }): Node {
  const made = testNode(name, { ready: 'True', ...shape, labels: { 'kubernetes.io/hostname': name, ...shape.labels } });
  return { ...made, status: { ...made.status, allocatable } };
}

function pod(name: string, spec: Partial<NonNullable<Pod['spec']>> = {}, requests?: Record<string, string>): Pod {
  const container: Container = { name: 'c', image: 'nginx', ...(requests ? { resources: { requests } } : {}) };
  return { metadata: { name, namespace: 'default', uid: `uid-${name}` }, spec: { containers: [container], ...spec } };
}

/** The 3-node lab: node-1 the control plane. */
const lab = () => [node('node-1', { labels: { [CONTROL_PLANE]: '' }, taints: [{ key: CONTROL_PLANE, effect: 'NoSchedule' }] }), node('node-2'), node('node-3')].map(newNodeInfo);

function schedule(p: Pod, infos: NodeInfo[], random = () => 0.5) {
  return schedulePod({ pod: p, usage: podUsage(p), nodes: infos, startIndex: 0, random }).decision;
}

describe('quantities', () => {
  const table: [string, number | undefined][] = [
    ['100m', 0.1],
    ['2', 2],
    ['1.5', 1.5],
    ['128Mi', 128 * 2 ** 20],
    ['1Gi', 2 ** 30],
    ['1G', 1e9],
    ['2e3', 2000],
    ['500k', 500_000],
    ['abc', undefined],
    ['1Qi', undefined],
  ];
  for (const [text, value] of table) test(`${text} is ${value}`, () => assert.equal(parseQuantity(text), value));
  test('millis and whole values round up, as Quantity.MilliValue and Value', () => {
    assert.equal(milliValue('100m'), 100);
    assert.equal(milliValue('0.5'), 500);
    assert.equal(milliValue('1u'), 1);
    assert.equal(wholeValue('1.5'), 2);
    assert.equal(wholeValue('16216332Ki'), 16216332 * 1024);
  });
});

describe('pod requests (computePodResourceRequest)', () => {
  test('containers add up; an init container counts when it asks for more', () => {
    const p: Pod = {
      spec: {
        containers: [
          { name: 'a', resources: { requests: { cpu: '100m', memory: '64Mi' } } },
          { name: 'b', resources: { requests: { cpu: '200m' } } },
        ],
        initContainers: [{ name: 'init', resources: { requests: { cpu: '1', memory: '32Mi' } } }],
      },
    };
    const usage = podUsage(p);
    assert.deepEqual(usage.requests, { milliCpu: 1000, memory: 64 * 2 ** 20 });
    // For scores, a container without requests counts upstream's 100m and 200 MiB (the init container still asks for more cpu).
    assert.deepEqual(usage.nonZero, { milliCpu: 1000, memory: 64 * 2 ** 20 + 200 * 2 ** 20 });
  });
  test('host ports', () => {
    const p = pod('web', { containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 53, hostPort: 53, protocol: 'UDP', hostIP: '10.0.0.1' }, { containerPort: 9 }] }] });
    assert.deepEqual(podUsage(p).hostPorts, ['TCP/0.0.0.0/8080', 'UDP/10.0.0.1/53']);
  });
});

describe('filters', () => {
  const [n1, n2] = lab();
  const table: [string, Pod, NodeInfo, string | undefined][] = [
    ['a plain pod fits a worker', pod('a'), n2!, undefined],
    ['the control-plane taint keeps it off node-1', pod('a'), n1!, 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'],
    ['tolerating the taint lets it on', pod('a', { tolerations: [{ key: CONTROL_PLANE, operator: 'Exists', effect: 'NoSchedule' }] }), n1!, undefined],
    ['a nodeSelector no node has', pod('a', { nodeSelector: { disk: 'ssd' } }), n2!, "node(s) didn't match Pod's node affinity/selector"],
    ['more cpu than allocatable', pod('a', {}, { cpu: '5' }), n2!, 'Insufficient cpu'],
    ['more memory than allocatable', pod('a', {}, { memory: '9Gi' }), n2!, 'Insufficient memory'],
  ];
  for (const [name, p, info, reason] of table) {
    test(name, () => assert.equal(filterNode(p, podUsage(p), info)?.reasons.join(', '), reason));
  }
  test('a cordoned node takes no pod, unless it tolerates node.kubernetes.io/unschedulable', () => {
    const cordoned = newNodeInfo(node('node-4', { unschedulable: true }));
    assert.deepEqual(filterNode(pod('a'), podUsage(pod('a')), cordoned), { reasons: ['node(s) were unschedulable'], resolvable: false });
    const daemon = pod('d', { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] });
    assert.equal(filterNode(daemon, podUsage(daemon), cordoned), undefined);
  });
  test('pods already on the node use up its room; the pod count has a limit too', () => {
    const info = newNodeInfo(node('node-5', {}, { cpu: '1', memory: '1Gi', pods: '2' }));
    addUsage(info, podUsage(pod('x', {}, { cpu: '600m' })), 1);
    const wants = pod('y', {}, { cpu: '500m' });
    assert.deepEqual(filterNode(wants, podUsage(wants), info)?.reasons, ['Insufficient cpu']);
    addUsage(info, podUsage(pod('z')), 1);
    assert.deepEqual(filterNode(wants, podUsage(wants), info)?.reasons, ['Too many pods', 'Insufficient cpu']);
  });
  test('a host port in use on the node', () => {
    const info = newNodeInfo(node('node-6'));
    const first = pod('p', { containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 80 }] }] });
    addUsage(info, podUsage(first), 1);
    const second = pod('q', { containers: [{ name: 'c', ports: [{ containerPort: 8080, hostPort: 80, hostIP: '10.0.0.2' }] }] });
    assert.deepEqual(filterNode(second, podUsage(second), info), { reasons: ["node(s) didn't have free ports for the requested pod ports"], resolvable: true });
    const udp = pod('u', { containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 80, protocol: 'UDP' }] }] });
    assert.equal(filterNode(udp, podUsage(udp), info), undefined);
  });
});

describe('scores', () => {
  test('LeastAllocated prefers the emptier node; BalancedAllocation the one whose cpu and memory are used alike', () => {
    const empty = newNodeInfo(node('a'));
    const busy = newNodeInfo(node('b'));
    addUsage(busy, podUsage(pod('x', {}, { cpu: '2', memory: '1Gi' })), 1);
    const p = pod('p', {}, { cpu: '1', memory: '1Gi' });
    assert.ok(leastAllocatedScore(podUsage(p), empty) > leastAllocatedScore(podUsage(p), busy));
    // empty: cpu 1/4, memory 1/8 -> std 1/16 -> 93; busy: 3/4 and 2/8 -> std 1/4 -> 75
    assert.equal(balancedAllocationScore(podUsage(p), empty), 93);
    assert.equal(balancedAllocationScore(podUsage(p), busy), 75);
  });
  test('preferred node affinity wins over resources', () => {
    const infos = lab();
    const p = pod('p', { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-3'] }] } }] } } });
    addUsage(infos[1]!, podUsage(pod('hog', {}, { cpu: '100m' })), 1);
    addUsage(infos[2]!, podUsage(pod('hog2', {}, { cpu: '3' })), 1);
    assert.deepEqual(schedule(p, infos), { nodeName: 'node-3' });
  });
  test('ties are broken at random among the best', () => {
    assert.equal(selectHost([5, 9, 9, 1], () => 0.99), 1);
    assert.equal(selectHost([5, 9, 9, 1], () => 0.1), 2);
  });
});

describe('the decision', () => {
  test('a DaemonSet pod is only considered for its node (matchFields metadata.name)', () => {
    const daemon = pod('d', {
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-3'] }] }] } } },
    });
    assert.deepEqual([...candidateNodeNames(daemon)!], ['node-3']);
    assert.deepEqual(schedule(daemon, lab()), { nodeName: 'node-3' });
    const either = pod('e', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-3'] }] }, { matchExpressions: [{ key: 'x', operator: 'Exists' }] }] } } } });
    assert.equal(candidateNodeNames(either), undefined);
  });
  test("the FailedScheduling message, as upstream's: sorted counts, then why preemption cannot help", () => {
    const decision = schedule(pod('a', { nodeSelector: { disk: 'ssd' }, tolerations: [] }), lab());
    assert.deepEqual(decision, {
      unschedulable:
        "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    });
    assert.equal(
      (schedule(pod('big', {}, { cpu: '8' }), lab()) as { unschedulable: string }).unschedulable,
      '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod..',
    );
    assert.equal(fitErrorMessage(0, []), 'no nodes available to schedule pods');
  });
  test('large clusters: only enough nodes are searched, from where the last search stopped', () => {
    assert.equal(feasibleNodesToFind(50), 50);
    assert.equal(feasibleNodesToFind(1000), 420);
    assert.equal(feasibleNodesToFind(5000), 500);
    const infos = Array.from({ length: 1000 }, (_, i) => newNodeInfo(node(`n-${String(i).padStart(4, '0')}`)));
    const first = schedulePod({ pod: pod('a'), usage: podUsage(pod('a')), nodes: infos, startIndex: 0, random: () => 0.5 });
    assert.equal(first.nextStartIndex, 420);
    const second = schedulePod({ pod: pod('b'), usage: podUsage(pod('b')), nodes: infos, startIndex: first.nextStartIndex, random: () => 0.5 });
    assert.equal(second.nextStartIndex, 840);
  });
});

describe('a pod no node fits', () => {
  test('gets a FailedScheduling event each time, and the PodScheduled=False condition only when its message changes', () => {
    const first = unschedulablePlan(pod('a'), 'no room', Date.parse('2025-01-01T00:00:00Z'));
    assert.deepEqual(first.events.map((e) => `${e.type} ${e.reason}: ${e.message}`), ['Warning FailedScheduling: no room']);
    assert.deepEqual(first.patches[0]?.patch, {
      status: { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: 'no room', lastProbeTime: null, lastTransitionTime: '2025-01-01T00:00:00Z' }] },
    });
    const marked = { ...pod('a'), status: { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: 'no room' }] } };
    assert.equal(unschedulablePlan(marked, 'no room', 0).patches.length, 0);
    assert.equal(unschedulablePlan(marked, 'still no room', 0).patches.length, 1);
  });
});
