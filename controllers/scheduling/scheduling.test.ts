import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Node, NodeSelectorTerm, Pod } from 'kubernetes-types/core/v1.js';
import { nodeSelectorTermMatches, preferredNodeAffinityWeight, requiredNodeAffinityMatches } from './node-affinity.js';
import { findUntoleratedTaint, noExecuteOnly, schedulingEffects, taintText } from './taints.js';

const node = (name: string, labels: Record<string, string> = {}): Node => ({ metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } } });
const podWith = (spec: Partial<NonNullable<Pod["spec"]>>): Pod => ({ metadata: { name: 'p', namespace: 'default' }, spec: { containers: [], ...spec } });

describe('node selector terms (upstream nodeaffinity)', () => {
  const n2 = node('node-2', { disk: 'ssd', cores: '8' });
  const table: [string, NodeSelectorTerm, boolean][] = [
    ['empty term matches nothing', {}, false],
    ['In', { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd', 'nvme'] }] }, true],
    ['In, other value', { matchExpressions: [{ key: 'disk', operator: 'In', values: ['hdd'] }] }, false],
    ['NotIn a missing label', { matchExpressions: [{ key: 'gpu', operator: 'NotIn', values: ['x'] }] }, true],
    ['Exists', { matchExpressions: [{ key: 'disk', operator: 'Exists' }] }, true],
    ['DoesNotExist', { matchExpressions: [{ key: 'disk', operator: 'DoesNotExist' }] }, false],
    ['Gt', { matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['4'] }] }, true],
    ['Lt', { matchExpressions: [{ key: 'cores', operator: 'Lt', values: ['4'] }] }, false],
    ['Gt with a non-number', { matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['x'] }] }, false],
    ['expressions are ANDed', { matchExpressions: [{ key: 'disk', operator: 'Exists' }, { key: 'gpu', operator: 'Exists' }] }, false],
    ['matchFields metadata.name In', { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-2'] }] }, true],
    ['matchFields metadata.name NotIn', { matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['node-2'] }] }, false],
    ['matchFields with two values does not parse', { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-2', 'node-3'] }] }, false],
    ['matchFields on another field', { matchFields: [{ key: 'metadata.uid', operator: 'In', values: ['x'] }] }, false],
    ['In with no values does not parse', { matchExpressions: [{ key: 'disk', operator: 'In', values: [] }] }, false],
  ];
  for (const [name, term, expected] of table) test(name, () => assert.equal(nodeSelectorTermMatches(term, n2), expected));
});

describe('required node affinity and nodeSelector', () => {
  const n1 = node('node-1', { 'node-role.kubernetes.io/control-plane': '' });
  const n2 = node('node-2', { disk: 'ssd' });
  test('no selector matches every node', () => assert.ok(requiredNodeAffinityMatches(podWith({}), n1)));
  test('nodeSelector needs every label equal', () => {
    const pod = podWith({ nodeSelector: { disk: 'ssd' } });
    assert.deepEqual([n1, n2].map((n) => requiredNodeAffinityMatches(pod, n)), [false, true]);
  });
  test('terms are ORed, and ANDed with the nodeSelector', () => {
    const pod = podWith({
      nodeSelector: { disk: 'ssd' },
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-1'] }] },
              { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-2'] }] },
            ],
          },
        },
      },
    });
    assert.deepEqual([n1, n2].map((n) => requiredNodeAffinityMatches(pod, n)), [false, true]);
  });
  test('preferred terms add their weights', () => {
    const pod = podWith({
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 10, preference: { matchExpressions: [{ key: 'disk', operator: 'Exists' }] } },
            { weight: 5, preference: { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-2'] }] } },
            { weight: 0, preference: { matchExpressions: [{ key: 'disk', operator: 'Exists' }] } },
          ],
        },
      },
    });
    assert.deepEqual([n1, n2].map((n) => preferredNodeAffinityWeight(pod, n)), [0, 15]);
  });
});

describe('untolerated taints (upstream FindMatchingUntoleratedTaint)', () => {
  const controlPlane = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' as const };
  const unreachable = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' as const };
  const preferNo = { key: 'x', effect: 'PreferNoSchedule' as const };
  test('the first taint not tolerated, among those included', () => {
    assert.deepEqual(findUntoleratedTaint([preferNo, controlPlane, unreachable], [], schedulingEffects), controlPlane);
    assert.deepEqual(findUntoleratedTaint([controlPlane, unreachable], [], noExecuteOnly), unreachable);
    assert.equal(findUntoleratedTaint([preferNo], [], schedulingEffects), undefined);
  });
  test('tolerated taints are passed over', () => {
    assert.equal(findUntoleratedTaint([controlPlane], [{ key: controlPlane.key, operator: 'Exists', effect: 'NoSchedule' }], schedulingEffects), undefined);
    assert.equal(findUntoleratedTaint([controlPlane, unreachable], [{ operator: 'Exists' }], schedulingEffects), undefined);
  });
  test('printed as the scheduler prints it', () => assert.equal(taintText(controlPlane), '{node-role.kubernetes.io/control-plane: }'));
});
