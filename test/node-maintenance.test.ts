// SCENARIOS.md S7 (cordon and uncordon) and `kubectl drain`, with the real
// kubectl against a 3-node lab: what a student types to take a node out of
// service and bring it back.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { eventually } from './eventually.js';
import { labWithKubectl, podManifest } from './kubectl.js';
import { FLUENTD_DAEMONSET } from './manifests.js';

/** The Node manifest of S7 step 1, as a student would save it from `kubectl get node -o yaml` and edit. */
const cordonedNode = (name: string) => `apiVersion: v1
kind: Node
metadata:
  name: ${name}
  labels:
    kubernetes.io/hostname: ${name}
spec:
  unschedulable: true
`;

describe('cordon, uncordon and drain with kubectl (SCENARIOS.md S7)', () => {
  const lab = labWithKubectl();
  const ok = lab.ok;

  /** NAME -> STATUS of `kubectl get nodes`. */
  const nodeStatuses = async (): Promise<Map<string, string>> => {
    const rows = (await ok('get', 'nodes', '--no-headers')).trim().split('\n');
    return new Map(rows.map((row) => row.split(/\s+/) as [string, string]));
  };
  const podNode = async (name: string): Promise<string> => {
    const pod = JSON.parse(await ok('get', 'pod', name, '-o', 'json')) as Pod;
    return pod.spec?.nodeName ?? '';
  };
  const runningOn = async (name: string): Promise<string> =>
    eventually(`${name} Running`, async () => {
      const pod = JSON.parse(await ok('get', 'pod', name, '-o', 'json')) as Pod;
      return pod.status?.phase === 'Running' && pod.spec?.nodeName;
    });

  test('kubectl cordon: Ready,SchedulingDisabled, new pods go elsewhere, pods there stay', async () => {
    await ok('apply', '-f', await lab.kubectl.manifest('before.yaml', podManifest('before-cordon')));
    const node = await runningOn('before-cordon');

    assert.equal((await ok('cordon', node)).trim(), `node/${node} cordoned`);
    assert.equal((await nodeStatuses()).get(node), 'Ready,SchedulingDisabled');
    const spec = JSON.parse(await ok('get', 'node', node, '-o', 'jsonpath={.spec}')) as { unschedulable?: boolean; taints?: { key: string; effect: string }[] };
    assert.equal(spec.unschedulable, true);
    // As upstream's node lifecycle controller: the unschedulable taint follows the field.
    await eventually('the unschedulable taint', async () => {
      const taints = JSON.parse((await ok('get', 'node', node, '-o', 'jsonpath={.spec.taints}')) || '[]') as { key: string; effect: string }[];
      return taints.some((t) => t.key === 'node.kubernetes.io/unschedulable' && t.effect === 'NoSchedule');
    });

    for (let i = 0; i < 6; i += 1) {
      await ok('apply', '-f', await lab.kubectl.manifest(`after-${i}.yaml`, podManifest(`after-cordon-${i}`)));
    }
    for (let i = 0; i < 6; i += 1) assert.notEqual(await runningOn(`after-cordon-${i}`), node);
    assert.equal(await podNode('before-cordon'), node);
    assert.match(await ok('get', 'pod', 'before-cordon'), /Running/);

    assert.equal((await ok('uncordon', node)).trim(), `node/${node} uncordoned`);
    assert.equal((await nodeStatuses()).get(node), 'Ready');
    await ok('delete', 'pods', '--all', '--wait=false');
  });

  test('kubectl patch and kubectl replace -f of a Node set and clear unschedulable', async () => {
    await ok('patch', 'node', 'node-2', '-p', '{"spec":{"unschedulable":true}}');
    assert.equal((await nodeStatuses()).get('node-2'), 'Ready,SchedulingDisabled');
    await ok('patch', 'node', 'node-2', '-p', '{"spec":{"unschedulable":false}}');
    assert.equal((await nodeStatuses()).get('node-2'), 'Ready');

    await ok('replace', '-f', await lab.kubectl.manifest('node-3.yaml', cordonedNode('node-3')));
    assert.equal((await nodeStatuses()).get('node-3'), 'Ready,SchedulingDisabled');
    // The kubelet keeps reporting status: the replaced Node stays Ready.
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal((await nodeStatuses()).get('node-3'), 'Ready,SchedulingDisabled');
    await ok('uncordon', 'node-3');
    assert.equal((await nodeStatuses()).get('node-3'), 'Ready');
  });

  test('kubectl drain cordons the node and evicts its pods, DaemonSet pods left with --ignore-daemonsets', async () => {
    await ok('apply', '-f', await lab.kubectl.manifest('fluentd.yaml', FLUENTD_DAEMONSET));
    await ok('apply', '-f', await lab.kubectl.manifest('bare.yaml', podManifest('bare')));
    const node = await runningOn('bare');
    await eventually('a fluentd pod Running on the node', async () => new RegExp(`Running.*${node}`).test(await ok('get', 'pods', '-n', 'kube-system', '-o', 'wide')));

    // A DaemonSet pod and a pod no controller replaces: drain refuses, as upstream, and says why.
    const refused = await lab.kubectl.run('drain', node, '--timeout=20s');
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /cannot delete DaemonSet-managed Pods \(use --ignore-daemonsets to ignore\): kube-system\/fluentd-elasticsearch-/);
    assert.match(refused.stderr, /cannot delete Pods that declare no controller \(use --force to override\): default\/bare/);
    assert.equal((await nodeStatuses()).get(node), 'Ready,SchedulingDisabled');

    const drained = await lab.kubectl.run('drain', node, '--ignore-daemonsets', '--force', '--timeout=30s');
    assert.equal(drained.code, 0, drained.stderr);
    assert.match(drained.stdout + drained.stderr, /evicting pod default\/bare/);
    assert.match(drained.stdout, /pod\/bare evicted/);
    assert.match(drained.stdout, new RegExp(`node/${node} drained`));
    assert.equal((await lab.kubectl.run('get', 'pod', 'bare')).code, 1);
    // The DaemonSet pod stays on its node.
    assert.match(await ok('get', 'pods', '-n', 'kube-system', '-o', 'wide', '--field-selector', `spec.nodeName=${node}`), /fluentd-elasticsearch-/);
    await ok('uncordon', node);
    await ok('delete', 'daemonset', 'fluentd-elasticsearch', '-n', 'kube-system');
  });

  test('the eviction subresource: policy/v1 Eviction deletes the pod; a wrong name is refused', async () => {
    await ok('apply', '-f', await lab.kubectl.manifest('evictee.yaml', podManifest('evictee')));
    await runningOn('evictee');
    const discovery = JSON.parse(await ok('get', '--raw', '/api/v1')) as { resources: { name: string; group?: string; version?: string; kind: string }[] };
    assert.deepEqual(
      discovery.resources.find((r) => r.name === 'pods/eviction'),
      { name: 'pods/eviction', singularName: '', namespaced: true, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] },
    );
    const url = `${lab.cluster.url}/api/v1/namespaces/default/pods/evictee/eviction`;
    const post = (body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const wrong = await post({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'other', namespace: 'default' } });
    assert.equal(wrong.status, 400);
    assert.equal(((await wrong.json()) as { message: string }).message, 'name in URL does not match name in Eviction object');
    const evicted = await post({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'evictee', namespace: 'default' }, deleteOptions: { gracePeriodSeconds: 0 } });
    assert.equal(evicted.status, 201);
    assert.deepEqual(await evicted.json(), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
    await eventually('evictee gone', async () => (await lab.kubectl.run('get', 'pod', 'evictee')).code === 1);
    const missing = await post({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'evictee', namespace: 'default' } });
    assert.equal(missing.status, 404);
  });
});
