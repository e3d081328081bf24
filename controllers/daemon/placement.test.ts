import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Node, Taint } from 'kubernetes-types/core/v1.js';
import { daemonPodTolerations, nodeShouldRunDaemonPod, pinnedToNode, targetNodeName } from './placement.js';
import { newDaemonPod } from './pods.js';
import { CONTROL_PLANE_TAINT, daemonSet, labNode } from './test-support.js';

const taint = (key: string, effect: Taint['effect']): Taint => ({ key, effect });

describe('nodeShouldRunDaemonPod (upstream NodeShouldRunDaemonPod)', () => {
  const ds = daemonSet();
  const table: [string, Node, ReturnType<typeof daemonSet>, boolean, boolean][] = [
    ['a plain worker runs it', labNode('node-2'), ds, true, true],
    ['the control plane: its NoSchedule taint keeps new pods off, a running one stays', labNode('node-1', {}, [CONTROL_PLANE_TAINT]), ds, false, true],
    ['the control plane with the toleration', labNode('node-1', {}, [CONTROL_PLANE_TAINT]), daemonSet({ tolerateControlPlane: true }), true, true],
    ['an untolerated NoExecute taint: no pod, and the running one goes', labNode('node-2', {}, [taint('dedicated', 'NoExecute')]), ds, false, false],
    ['PreferNoSchedule is ignored', labNode('node-2', {}, [taint('dedicated', 'PreferNoSchedule')]), ds, true, true],
    ['cordoned (unschedulable taint) still runs it, as upstream', labNode('node-2', {}, [taint('node.kubernetes.io/unschedulable', 'NoSchedule')]), ds, true, true],
    ['memory, disk and pid pressure are tolerated', labNode('node-2', {}, ['memory', 'disk', 'pid'].map((p) => taint(`node.kubernetes.io/${p}-pressure`, 'NoSchedule'))), ds, true, true],
    ['not-ready NoSchedule: no new pod, the running one stays', labNode('node-2', {}, [taint('node.kubernetes.io/not-ready', 'NoSchedule'), taint('node.kubernetes.io/not-ready', 'NoExecute')]), ds, false, true],
    ['unreachable NoExecute alone is tolerated for ever', labNode('node-2', {}, [taint('node.kubernetes.io/unreachable', 'NoExecute')]), ds, true, true],
    ['network-unavailable without hostNetwork: kept off', labNode('node-2', {}, [taint('node.kubernetes.io/network-unavailable', 'NoSchedule')]), ds, false, true],
    ['nodeSelector not matched', labNode('node-2'), daemonSet({ nodeSelector: { disk: 'ssd' } }), false, false],
    ['nodeSelector matched', labNode('node-2', { disk: 'ssd' }), daemonSet({ nodeSelector: { disk: 'ssd' } }), true, true],
  ];
  for (const [name, node, set, shouldRun, shouldContinueRunning] of table) {
    test(name, () => assert.deepEqual(nodeShouldRunDaemonPod(node, set), { shouldRun, shouldContinueRunning }));
  }

  test('a template nodeName names the only node', () => {
    const pinned = daemonSet();
    pinned.spec!.template.spec!.nodeName = 'node-3';
    assert.deepEqual(nodeShouldRunDaemonPod(labNode('node-2'), pinned), { shouldRun: false, shouldContinueRunning: false });
    assert.deepEqual(nodeShouldRunDaemonPod(labNode('node-3'), pinned), { shouldRun: true, shouldContinueRunning: true });
  });

  test('hostNetwork pods tolerate network-unavailable', () => {
    const host = daemonSet();
    host.spec!.template.spec!.hostNetwork = true;
    assert.equal(nodeShouldRunDaemonPod(labNode('node-2', {}, [taint('node.kubernetes.io/network-unavailable', 'NoSchedule')]), host).shouldRun, true);
  });
});

describe('daemon pod tolerations and node pinning (upstream daemonset_util.go)', () => {
  test('the tolerations upstream adds, in its order, without tolerationSeconds', () => {
    assert.deepEqual(
      daemonPodTolerations({}).map((t) => `${t.key}:${t.effect}`),
      ['not-ready:NoExecute', 'unreachable:NoExecute', 'disk-pressure:NoSchedule', 'memory-pressure:NoSchedule', 'pid-pressure:NoSchedule', 'unschedulable:NoSchedule'].map((k) => `node.kubernetes.io/${k}`),
    );
    assert.ok(daemonPodTolerations({}).every((t) => t.operator === 'Exists' && t.tolerationSeconds === undefined));
  });

  test('a user toleration that matches is replaced in place; others are kept first', () => {
    const own = { key: 'x', operator: 'Exists' as const };
    const notReady = { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };
    const result = daemonPodTolerations({ tolerations: [own, notReady] });
    assert.deepEqual(result.slice(0, 2), [own, { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' }]);
    assert.equal(result.length, 7);
  });

  test('pinning replaces the required terms and keeps preferred ones', () => {
    const preferred = [{ weight: 1, preference: { matchExpressions: [{ key: 'a', operator: 'Exists' }] } }];
    const affinity = pinnedToNode({ nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: preferred, requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'b', operator: 'Exists' }] }] } } }, 'node-2');
    assert.deepEqual(affinity.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution, { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-2'] }] }] });
    assert.deepEqual(affinity.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution, preferred);
  });

  test('a new pod: generateName, labels, controller reference, pinned, unbound', () => {
    const pod = newDaemonPod(daemonSet(), 'node-3', 'h2');
    assert.equal(pod.metadata?.generateName, 'fluentd-');
    assert.deepEqual(pod.metadata?.labels, { name: 'fluentd', 'pod-template-generation': '1', 'controller-revision-hash': 'h2' });
    assert.deepEqual(pod.metadata?.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'fluentd', uid: 'ds-uid', controller: true, blockOwnerDeletion: true }]);
    assert.equal(pod.spec?.nodeName, undefined);
    assert.equal(targetNodeName(pod), 'node-3');
    assert.equal(pod.spec?.tolerations?.length, 6);
  });
});
