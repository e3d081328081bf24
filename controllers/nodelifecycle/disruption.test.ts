import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { node } from '../test-support.js';
import { clusterDisruption, computeZoneState, noExecuteTainting, zoneKey } from './disruption.js';

describe('zone disruption (upstream ComputeZoneState)', () => {
  const table: [string[], string][] = [
    [['True'], 'Normal'],
    [['Unknown'], 'FullDisruption'],
    [['True', 'Unknown'], 'Normal'],
    [['True', 'Unknown', 'Unknown'], 'Normal'],
    [['True', 'Unknown', 'False', 'Unknown'], 'PartialDisruption'],
    [['True', 'True', 'Unknown', 'False', 'Unknown'], 'PartialDisruption'],
    [['True', 'True', 'True', 'Unknown', 'False', 'Unknown'], 'Normal'],
    [[], 'Normal'],
  ];
  for (const [statuses, want] of table) {
    test(`${statuses.join(',') || 'no nodes'}: ${want}`, () => assert.equal(computeZoneState(statuses), want));
  }

  test('a node without Ready counts as not ready', () => {
    assert.equal(computeZoneState([undefined]), 'FullDisruption');
  });

  test('zones are keyed by region and zone, beta labels first', () => {
    assert.equal(zoneKey(node('a')), '');
    assert.equal(zoneKey(node('a', { labels: { 'topology.kubernetes.io/zone': 'z1', 'topology.kubernetes.io/region': 'r' } })), 'r:\u0000:z1');
    assert.equal(zoneKey(node('a', { labels: { 'topology.kubernetes.io/zone': 'z1', 'failure-domain.beta.kubernetes.io/zone': 'old' } })), ':\u0000:old');
  });

  test('one node down of three: its NoExecute taint is added', () => {
    const nodes = [node('a', { ready: 'True' }), node('b', { ready: 'True' }), node('c', { ready: 'Unknown' })];
    assert.equal(noExecuteTainting(nodes[2]!, clusterDisruption(nodes)), 'add');
  });

  test('every node down: NoExecute taints are removed (master disruption mode)', () => {
    const nodes = [node('a', { ready: 'Unknown' }), node('b', { ready: 'False' })];
    assert.equal(noExecuteTainting(nodes[0]!, clusterDisruption(nodes)), 'remove');
  });

  test('one zone down, another up: the down zone is tainted at the normal rate', () => {
    const nodes = [node('a', { ready: 'Unknown', labels: { 'topology.kubernetes.io/zone': 'z1' } }), node('b', { ready: 'True', labels: { 'topology.kubernetes.io/zone': 'z2' } })];
    assert.equal(noExecuteTainting(nodes[0]!, clusterDisruption(nodes)), 'add');
  });

  test('a small zone partially disrupted adds no NoExecute taint; a large one still does', () => {
    const small = [node('a', { ready: 'True' }), ...['b', 'c', 'd'].map((n) => node(n, { ready: 'Unknown' }))];
    assert.equal(noExecuteTainting(small[1]!, clusterDisruption(small)), 'keep');
    const large = Array.from({ length: 51 }, (_, i) => node(`n${i}`, { ready: i < 20 ? 'True' : 'Unknown' }));
    assert.equal(clusterDisruption(large).zones.get('')?.state, 'PartialDisruption');
    assert.equal(noExecuteTainting(large[30]!, clusterDisruption(large)), 'add');
  });

  test('nodes labelled exclude-disruption are not counted', () => {
    const nodes = [node('a', { ready: 'True', labels: { 'node.kubernetes.io/exclude-disruption': '' } }), node('b', { ready: 'Unknown' })];
    assert.equal(noExecuteTainting(nodes[1]!, clusterDisruption(nodes)), 'remove');
  });
});
