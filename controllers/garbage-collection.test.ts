// The garbage collector, the namespace controller and the pod garbage
// collector against a real API server on port 0. Owners are ConfigMaps and
// ReplicationControllers (no controller makes pods here): the tests write
// ownerReferences by hand, as a DaemonSet controller would. Pods with no
// node are deleted at once by the API server; one with a node waits for its
// kubelet, which these tests play by hand.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { isNotFound, kinds, type KubeClient } from '../client/index.js';
import { startControllerLab, type ControllerLab } from './controller-lab.js';
import { eventually } from '../test/eventually.js';

let lab: ControllerLab;
let client: KubeClient;
before(async () => {
  lab = await startControllerLab({ controllers: ['garbagecollector', 'namespace', 'podgc'], options: { podGC: { quarantineMs: 300 } } });
  client = lab.client;
});
after(() => lab.stop());

const pods = (namespace = 'default') => client.resource(kinds.Pod, namespace);
const gone = async (get: () => Promise<unknown>) => get().then(
  () => false,
  (error: unknown) => isNotFound(error),
);

async function configMapOwner(name: string): Promise<OwnerReference> {
  const cm = await client.resource(kinds.ConfigMap, 'default').create({ metadata: { name } });
  return { apiVersion: 'v1', kind: 'ConfigMap', name, uid: cm.metadata!.uid! };
}

async function rcOwner(name: string): Promise<OwnerReference> {
  const spec = { replicas: 0, selector: { app: name }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } };
  const rc = await client.resource(kinds.ReplicationController, 'default').create({ metadata: { name }, spec });
  return { apiVersion: 'v1', kind: 'ReplicationController', name, uid: rc.metadata!.uid!, controller: true, blockOwnerDeletion: true };
}

async function ownedPod(name: string, owners: OwnerReference[], extra: { nodeName?: string; finalizers?: string[]; namespace?: string } = {}) {
  const namespace = extra.namespace ?? 'default';
  return pods(namespace).create({
    metadata: { name, namespace, ownerReferences: owners, ...(extra.finalizers ? { finalizers: extra.finalizers } : {}) },
    spec: { ...(extra.nodeName ? { nodeName: extra.nodeName } : {}), containers: [{ name: 'c', image: 'nginx' }] },
  });
}

describe('garbage collector', () => {
  test('background: the dependents of a deleted owner are deleted', async () => {
    const owner = await configMapOwner('bg-owner');
    await ownedPod('bg-1', [owner]);
    await ownedPod('bg-2', [owner]);
    await client.resource(kinds.ConfigMap, 'default').delete('bg-owner', { propagationPolicy: 'Background' });
    await eventually('bg pods gone', async () => (await gone(() => pods().get('bg-1'))) && gone(() => pods().get('bg-2')));
  });

  test('a dependent with another owner left only loses the reference to the gone one', async () => {
    const a = await configMapOwner('multi-a');
    const b = await configMapOwner('multi-b');
    await ownedPod('multi', [a, b]);
    await client.resource(kinds.ConfigMap, 'default').delete('multi-a');
    const kept = await eventually('reference removed', async () => {
      const pod = await pods().get('multi');
      return pod.metadata?.ownerReferences?.length === 1 && pod;
    });
    assert.deepEqual(kept.metadata?.ownerReferences, [b]);
  });

  test('a dependent created for an owner already gone is collected', async () => {
    const owner = await configMapOwner('late-owner');
    await client.resource(kinds.ConfigMap, 'default').delete('late-owner');
    await ownedPod('late', [owner]);
    await eventually('late pod gone', () => gone(() => pods().get('late')));
  });

  test('foreground: the owner stays, with foregroundDeletion, until its blocking dependents are gone', async () => {
    const owner = await rcOwner('fg');
    await ownedPod('fg-1', [owner]);
    // A finalizer of the test's keeps this one Terminating until the test lets it go.
    await ownedPod('fg-held', [owner], { finalizers: ['example.com/hold'] });
    const rcs = client.resource(kinds.ReplicationController, 'default');
    await rcs.delete('fg', { propagationPolicy: 'Foreground' });
    await eventually('fg-1 gone', () => gone(() => pods().get('fg-1')));
    await eventually('fg-held terminating', async () => (await pods().get('fg-held')).metadata?.deletionTimestamp);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const waiting = await rcs.get('fg');
    assert.ok(waiting.metadata?.deletionTimestamp);
    assert.deepEqual(waiting.metadata?.finalizers, ['foregroundDeletion']);
    await pods().patch('fg-held', { metadata: { finalizers: null } });
    await eventually('rc gone', () => gone(() => rcs.get('fg')));
  });

  test('orphan: the dependents stay, without the reference, and the owner goes', async () => {
    const owner = await rcOwner('orph');
    const other = await configMapOwner('orph-other');
    await ownedPod('orph-1', [owner]);
    await ownedPod('orph-2', [owner, other]);
    const rcs = client.resource(kinds.ReplicationController, 'default');
    await rcs.delete('orph', { propagationPolicy: 'Orphan' });
    await eventually('rc gone', () => gone(() => rcs.get('orph')));
    assert.equal((await pods().get('orph-1')).metadata?.ownerReferences, undefined);
    assert.deepEqual((await pods().get('orph-2')).metadata?.ownerReferences, [other]);
    assert.equal((await pods().get('orph-1')).metadata?.deletionTimestamp, undefined);
  });
});

describe('namespace controller', () => {
  test('a namespace deleted is emptied, then goes', async () => {
    await client.resource(kinds.Namespace).create({ metadata: { name: 'lab' } });
    await client.resource(kinds.ConfigMap, 'lab').create({ metadata: { name: 'settings' } });
    await pods('lab').create({ metadata: { name: 'web' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    // Held by a finalizer, so the namespace's conditions can be seen while it waits.
    await client.resource(kinds.ConfigMap, 'lab').create({ metadata: { name: 'held', finalizers: ['example.com/hold'] } });
    await client.resource(kinds.Namespace).delete('lab');
    const waiting = await eventually('content remaining', async () => {
      const ns = await client.resource(kinds.Namespace).get('lab');
      return ns.status?.conditions?.find((c) => c.type === 'NamespaceFinalizersRemaining' && c.status === 'True') && ns;
    });
    assert.equal(waiting.status?.phase, 'Terminating');
    const remaining = waiting.status?.conditions?.find((c) => c.type === 'NamespaceContentRemaining');
    assert.equal(remaining?.message, 'Some resources are remaining: configmaps. has 1 resource instances');
    assert.equal(await gone(() => pods('lab').get('web')), true);
    await client.resource(kinds.ConfigMap, 'lab').patch('held', { metadata: { finalizers: null } });
    // The controller looks again after upstream's 15 s estimate for finalizers (15/2 + 1 s).
    await eventually('namespace gone', () => gone(() => client.resource(kinds.Namespace).get('lab')), 15_000);
  });
});

describe('pod garbage collector', () => {
  test("a deleted Node's pods are marked Failed and force-deleted (S4.2)", async () => {
    await client.resource(kinds.Node).create({ metadata: { name: 'node-9' } });
    await pods().create({ metadata: { name: 'on-node-9' }, spec: { nodeName: 'node-9', containers: [{ name: 'c', image: 'nginx' }] } });
    const watched = pods().get('on-node-9');
    assert.equal((await watched).spec?.nodeName, 'node-9');
    await client.resource(kinds.Node).delete('node-9');
    await eventually('pod gone', () => gone(() => pods().get('on-node-9')));
  });

  test('a pod on a Node that still exists stays', async () => {
    await client.resource(kinds.Node).create({ metadata: { name: 'node-8' } });
    await pods().create({ metadata: { name: 'on-node-8' }, spec: { nodeName: 'node-8', containers: [{ name: 'c', image: 'nginx' }] } });
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal((await pods().get('on-node-8')).metadata?.deletionTimestamp, undefined);
  });
});
