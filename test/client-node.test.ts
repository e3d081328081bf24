// The official JavaScript client, @kubernetes/client-node, against kubelab:
// typed CRUD, and an informer (list + watch) that keeps its cache right across
// watches the server closes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { openStore } from '../store/index.js';
import { startApiServer, type RunningApiServer } from '../apiserver/index.js';

let server: RunningApiServer;
let closeStore: () => Promise<void>;
let core: k8s.CoreV1Api;
let config: k8s.KubeConfig;

before(async () => {
  const store = await openStore({ backend: 'memory', autoCompaction: false });
  closeStore = () => store.close();
  // Watches without timeoutSeconds end after 1 to 2 s here, so the informer must re-watch.
  server = await startApiServer({ store, watch: { defaultTimeoutMs: 1_000 } });
  config = new k8s.KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'kubelab', server: server.url, skipTLSVerify: true }],
    users: [{ name: 'admin' }],
    contexts: [{ name: 'kubelab', cluster: 'kubelab', user: 'admin' }],
    currentContext: 'kubelab',
  });
  core = config.makeApiClient(k8s.CoreV1Api);
});
after(async () => {
  await server.close();
  await closeStore();
});

const pod = (name: string): k8s.V1Pod => ({
  metadata: { name, labels: { app: 'client' } },
  spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] },
});

describe('@kubernetes/client-node', () => {
  test('creates, reads, lists, replaces and deletes a pod', async () => {
    const created = await core.createNamespacedPod({ namespace: 'default', body: pod('typed') });
    assert.equal(created.metadata?.name, 'typed');
    assert.ok(created.metadata?.uid);
    const read = await core.readNamespacedPod({ name: 'typed', namespace: 'default' });
    assert.equal(read.spec?.containers[0]?.image, 'nginx:1.27');
    const list = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=client' });
    assert.deepEqual(
      list.items.map((p) => p.metadata?.name),
      ['typed'],
    );
    read.metadata!.labels = { app: 'client', changed: 'yes' };
    const replaced = await core.replaceNamespacedPod({ name: 'typed', namespace: 'default', body: read });
    assert.equal(replaced.metadata?.labels?.changed, 'yes');
    await core.deleteNamespacedPod({ name: 'typed', namespace: 'default' });
    await assert.rejects(core.readNamespacedPod({ name: 'typed', namespace: 'default' }), (error: unknown) => {
      assert.equal((error as { code?: number }).code, 404);
      return true;
    });
  });

  test('an informer sees adds, updates and deletes, also after the server closed its watch', async () => {
    const informer = k8s.makeInformer(config, '/api/v1/namespaces/kube-public/configmaps', () =>
      core.listNamespacedConfigMap({ namespace: 'kube-public' }),
    );
    const seen: string[] = [];
    informer.on('add', (cm) => seen.push(`add ${cm.metadata?.name}`));
    informer.on('update', (cm) => seen.push(`update ${cm.metadata?.name} ${cm.data?.v}`));
    informer.on('delete', (cm) => seen.push(`delete ${cm.metadata?.name}`));
    const waitFor = async (entry: string) => {
      const deadline = Date.now() + 10_000;
      while (!seen.includes(entry)) {
        if (Date.now() > deadline) throw new Error(`the informer never saw "${entry}"; it saw ${JSON.stringify(seen)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    await core.createNamespacedConfigMap({ namespace: 'kube-public', body: { metadata: { name: 'before' }, data: { v: '0' } } });
    await informer.start();
    try {
      await waitFor('add before');
      await core.createNamespacedConfigMap({ namespace: 'kube-public', body: { metadata: { name: 'live' }, data: { v: '1' } } });
      await waitFor('add live');
      // Past the server's watch timeout: the next changes arrive on a new watch.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      await core.patchNamespacedConfigMap(
        { name: 'live', namespace: 'kube-public', body: { data: { v: '2' } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
      await waitFor('update live 2');
      await core.deleteNamespacedConfigMap({ name: 'before', namespace: 'kube-public' });
      await waitFor('delete before');
      assert.deepEqual(
        informer
          .list()
          .map((cm) => cm.metadata?.name)
          .sort(),
        ['live'],
      );
    } finally {
      await informer.stop();
    }
  });
});
