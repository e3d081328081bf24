// `kubectl delete` with and without cascade (SCENARIOS.md S12), and of a
// namespace, with the real kubectl: it waits for the object to be gone,
// which only the garbage collector and the namespace controller make happen.
// The DaemonSets' pods carry ownerReferences written here, as the DaemonSet
// controller would write them (none runs in these tests); they have no node,
// so the API server deletes them at once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { KubeClient, isNotFound, kinds } from '../client/index.js';
import { startControllers, type RunningControllers } from '../controllers/index.js';
import { serverWithKubectl } from './kubectl.js';

const cluster = serverWithKubectl();
let client: KubeClient;

const daemonSet = (name: string) => `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: ${name}
spec:
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
`;

/** A DaemonSet and two pods it owns, as its controller would make them. */
async function daemonSetWithPods(name: string): Promise<void> {
  const file = await cluster.kubectl.manifest(`${name}.yaml`, daemonSet(name));
  assert.equal((await cluster.kubectl.run('create', '-f', file)).code, 0);
  const ds = await client.resource(kinds.DaemonSet, 'default').get(name);
  const owner: OwnerReference = { apiVersion: 'apps/v1', kind: 'DaemonSet', name, uid: ds.metadata!.uid!, controller: true, blockOwnerDeletion: true };
  for (const i of [1, 2]) {
    await client.resource(kinds.Pod, 'default').create({
      metadata: { name: `${name}-${i}`, labels: { app: name }, ownerReferences: [owner] },
      spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] },
    });
  }
}

const podNames = async (app: string) => (await client.resource(kinds.Pod, 'default').list({ labelSelector: `app=${app}` })).items.map((p) => p.metadata?.name).sort();

describe('kubectl delete and the garbage collector', () => {
  // Inside the suite, so they run after the server starts and stop before it does.
  let controllers: RunningControllers;
  before(() => {
    client = new KubeClient({ server: cluster.server.url });
    controllers = startControllers({ server: cluster.server.url, controllers: ['garbagecollector', 'namespace'] });
  });
  after(() => controllers.stop());

  test('--cascade=orphan returns once the DaemonSet is gone; its pods stay, without ownerReferences', async () => {
    await daemonSetWithPods('orphans');
    const deleted = await cluster.kubectl.run('delete', 'ds', 'orphans', '--cascade=orphan');
    assert.equal(deleted.stderr, '');
    assert.equal(deleted.stdout.trim(), 'daemonset.apps "orphans" deleted');
    assert.equal((await cluster.kubectl.run('get', 'ds', 'orphans')).code, 1);
    assert.deepEqual(await podNames('orphans'), ['orphans-1', 'orphans-2']);
    for (const pod of (await client.resource(kinds.Pod, 'default').list({ labelSelector: 'app=orphans' })).items) {
      assert.equal(pod.metadata?.ownerReferences, undefined);
    }
  });

  test('without --cascade (background) the pods are deleted after the DaemonSet', async () => {
    await daemonSetWithPods('background');
    const deleted = await cluster.kubectl.run('delete', 'ds', 'background');
    assert.equal(deleted.stdout.trim(), 'daemonset.apps "background" deleted');
    const deadline = Date.now() + 8_000;
    while ((await podNames('background')).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(await podNames('background'), []);
  });

  test('--cascade=foreground returns once the pods and then the DaemonSet are gone', async () => {
    await daemonSetWithPods('foreground');
    const deleted = await cluster.kubectl.run('delete', 'ds', 'foreground', '--cascade=foreground');
    assert.equal(deleted.stdout.trim(), 'daemonset.apps "foreground" deleted');
    assert.deepEqual(await podNames('foreground'), []);
    await assert.rejects(client.resource(kinds.DaemonSet, 'default').get('foreground'), isNotFound);
  });

  test('kubectl delete namespace returns once the namespace and its content are gone', async () => {
    assert.equal((await cluster.kubectl.run('create', 'namespace', 'lab')).code, 0);
    assert.equal((await cluster.kubectl.run('-n', 'lab', 'create', 'configmap', 'settings', '--from-literal=a=b')).code, 0);
    const deleted = await cluster.kubectl.run('delete', 'namespace', 'lab');
    assert.equal(deleted.stderr, '');
    assert.equal(deleted.stdout.trim(), 'namespace "lab" deleted');
    const after = await cluster.kubectl.run('get', 'namespace', 'lab');
    assert.equal(after.stderr.trim(), 'Error from server (NotFound): namespaces "lab" not found');
  });
});
