// The controllers against a real API server on port 0. The test plays the
// kubelets: it writes Nodes, their status and their Leases itself. Periods
// are short and real (a grace period of 0.8 s), so these tests wait on the
// wall clock; the decisions' own timing is covered with a fake clock in the
// plan tables.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Event, Node, Pod, Toleration } from 'kubernetes-types/core/v1.js';
import { startApiServer, type RunningApiServer } from '../apiserver/index.js';
import { KubeClient, kinds, microTime } from '../client/index.js';
import { openStore, type MvccStore } from '../store/index.js';
import { startControllers, type RunningControllers } from './index.js';
import { eventually } from '../test/eventually.js';

const GRACE_MS = 800;

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A fake kubelet for a set of nodes: registers them Ready and renews their Leases every 100 ms. */
class FakeKubelets {
  readonly alive = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly client: KubeClient) {}

  async register(name: string): Promise<void> {
    await this.client.resource(kinds.Node).create({ metadata: { name, labels: { 'kubernetes.io/hostname': name } } });
    await this.postReady(name);
    await this.client.resource(kinds.Lease, 'kube-node-lease').create({ metadata: { name, namespace: 'kube-node-lease' }, spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: microTime(Date.now()) } });
    this.alive.add(name);
  }

  /** What a kubelet posts: Ready True with a fresh heartbeat. */
  async postReady(name: string): Promise<void> {
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const condition = { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now };
    await this.client.resource(kinds.Node).patch(name, { status: { conditions: [condition] } }, 'strategic', { subresource: 'status' });
  }

  start(): void {
    this.timer = setInterval(() => {
      for (const name of this.alive) {
        this.client
          .resource(kinds.Lease, 'kube-node-lease')
          .patch(name, { spec: { renewTime: microTime(Date.now()) } })
          .catch(() => undefined);
      }
    }, 100);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

async function startCluster() {
  const store: MvccStore = await openStore({ backend: 'memory', autoCompaction: false });
  const server: RunningApiServer = await startApiServer({ store });
  const client = new KubeClient({ server: server.url });
  const kubelets = new FakeKubelets(client);
  return {
    store,
    server,
    client,
    kubelets,
    async close() {
      kubelets.stop();
      await server.close();
      await store.close();
    },
  };
}

const getNode = (client: KubeClient, name: string) => client.resource(kinds.Node).get(name);
const readyOf = (node: Node) => node.status?.conditions?.find((c) => c.type === 'Ready');
const taintKeys = (node: Node) => (node.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`).sort();
async function eventsAbout(client: KubeClient, namespace: string, name: string): Promise<Event[]> {
  return (await client.resource(kinds.Event, namespace).list()).items.filter((e) => e.involvedObject.name === name);
}

async function createPod(client: KubeClient, name: string, nodeName: string, tolerations: Toleration[] = []): Promise<Pod> {
  return client.resource(kinds.Pod, 'default').create({ metadata: { name, namespace: 'default' }, spec: { nodeName, tolerations, containers: [{ name: 'c', image: 'nginx' }] } });
}

describe('node lifecycle and taint eviction against an API server', () => {
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let controllers: RunningControllers;
  before(async () => {
    cluster = await startCluster();
    for (const name of ['node-1', 'node-2', 'node-3']) await cluster.kubelets.register(name);
    cluster.kubelets.start();
    controllers = startControllers({ server: cluster.server.url, nodeMonitorGracePeriodMs: GRACE_MS, nodeStartupGracePeriodMs: GRACE_MS });
  });
  after(async () => {
    await controllers.stop();
    await cluster.close();
  });

  test('every node is registered with the controller, and live nodes stay Ready and untainted', async () => {
    const { client } = cluster;
    await eventually('RegisteredNode', async () => {
      const events = await eventsAbout(client, 'default', 'node-3');
      return events.find((e) => e.reason === 'RegisteredNode');
    }).then((event) => {
      assert.equal(event.message, 'Node node-3 event: Registered Node node-3 in Controller');
      assert.equal(event.source?.component, 'node-controller');
      assert.equal(event.involvedObject.kind, 'Node');
    });
    await delay(GRACE_MS * 1.5);
    for (const name of ['node-1', 'node-2', 'node-3']) {
      const node = await getNode(client, name);
      assert.equal(readyOf(node)?.status, 'True');
      assert.deepEqual(taintKeys(node), []);
    }
  });

  test('a node whose Lease expires goes Unknown with the unreachable taints; its pods are evicted as they tolerate it', async () => {
    const { client, kubelets } = cluster;
    const pods = client.resource(kinds.Pod, 'default');
    await createPod(client, 'intolerant', 'node-2', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 0 }]);
    await createPod(client, 'patient', 'node-2', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2 }]);
    await createPod(client, 'defaulted', 'node-2');
    await createPod(client, 'daemon', 'node-2', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }, { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' }]);
    const readyCondition = { type: 'Ready', status: 'True', lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') };
    await pods.patch('defaulted', { status: { conditions: [readyCondition] } }, 'strategic', { subresource: 'status' });

    kubelets.alive.delete('node-2');
    const unknown = await eventually('node-2 Unknown', async () => {
      const node = await getNode(client, 'node-2');
      return readyOf(node)?.status === 'Unknown' && node;
    });
    assert.equal(readyOf(unknown)?.reason, 'NodeStatusUnknown');
    assert.equal(readyOf(unknown)?.message, 'Kubelet stopped posting node status.');
    const tainted = await eventually('unreachable taints', async () => {
      const node = await getNode(client, 'node-2');
      return taintKeys(node).length === 2 && node;
    });
    assert.deepEqual(taintKeys(tainted), ['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
    assert.ok(tainted.spec?.taints?.every((t) => t.timeAdded), 'each taint added has timeAdded');
    const taintedAt = Date.now();

    const notReady = await eventsAbout(client, 'default', 'node-2');
    assert.ok(notReady.some((e) => e.reason === 'NodeNotReady' && e.message === 'Node node-2 status is now: NodeNotReady'));
    const defaulted = await pods.get('defaulted');
    assert.equal(defaulted.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'False', 'pods on the node are marked not ready');

    const evicted = await eventually('intolerant evicted', async () => {
      const pod = await pods.get('intolerant');
      return pod.metadata?.deletionTimestamp ? pod : undefined;
    });
    assert.equal(evicted.status?.conditions?.find((c) => c.type === 'DisruptionTarget')?.reason, 'DeletionByTaintManager');
    const eviction = (await eventsAbout(client, 'default', 'intolerant')).find((e) => e.reason === 'TaintManagerEviction');
    assert.equal(eviction?.message, 'Marking for deletion Pod default/intolerant');
    assert.equal(eviction?.source?.component, 'taint-eviction-controller');

    assert.equal((await pods.get('patient')).metadata?.deletionTimestamp, undefined, 'tolerates for 2 s');
    await eventually('patient evicted', async () => (await pods.get('patient')).metadata?.deletionTimestamp);
    assert.ok(Date.now() - taintedAt >= 1_500, 'not before its tolerationSeconds');
    assert.equal((await pods.get('defaulted')).metadata?.deletionTimestamp, undefined, 'the default 300 s toleration still runs');
    assert.equal((await pods.get('daemon')).metadata?.deletionTimestamp, undefined, 'tolerating for ever, it stays');
  });

  test('when the kubelet is back, the node recovers and the taints go; pending evictions are cancelled', async () => {
    const { client, kubelets } = cluster;
    kubelets.alive.add('node-2');
    await kubelets.postReady('node-2');
    const recovered = await eventually('node-2 untainted', async () => {
      const node = await getNode(client, 'node-2');
      return taintKeys(node).length === 0 && node;
    });
    assert.equal(readyOf(recovered)?.status, 'True');
    await eventually('cancel event', async () => (await eventsAbout(client, 'default', 'defaulted')).find((e) => e.message === 'Cancelling deletion of Pod default/defaulted'));
  });

  test('a cordoned node carries the unschedulable taint until uncordoned', async () => {
    const { client } = cluster;
    await client.resource(kinds.Node).patch('node-3', { spec: { unschedulable: true } });
    await eventually('unschedulable taint', async () => taintKeys(await getNode(client, 'node-3')).includes('node.kubernetes.io/unschedulable:NoSchedule'));
    await client.resource(kinds.Node).patch('node-3', { spec: { unschedulable: null } });
    await eventually('no taint', async () => taintKeys(await getNode(client, 'node-3')).length === 0);
  });

  test('a pod that does not tolerate a NoExecute taint a user adds is evicted at once', async () => {
    const { client } = cluster;
    await createPod(client, 'plain', 'node-3');
    await createPod(client, 'gpu', 'node-3', [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoExecute' }]);
    await client.resource(kinds.Node).patch('node-3', { spec: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoExecute' }] } });
    await eventually('plain evicted', async () => (await client.resource(kinds.Pod, 'default').get('plain')).metadata?.deletionTimestamp);
    assert.equal((await client.resource(kinds.Pod, 'default').get('gpu')).metadata?.deletionTimestamp, undefined);
  });
});

describe('controllers with --leader-elect', () => {
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  before(async () => {
    cluster = await startCluster();
    for (const name of ['node-1', 'node-2']) await cluster.kubelets.register(name);
    cluster.kubelets.start();
  });
  after(() => cluster.close());

  test('only the leader acts; the other takes over when it stops, and releases the Lease in turn', async () => {
    const { client } = cluster;
    const leaderElection = { leaseDurationMs: 1_000, renewDeadlineMs: 600, retryPeriodMs: 100 };
    const start = (identity: string) => startControllers({ server: cluster.server.url, leaderElect: true, leaderElection: { ...leaderElection, identity }, nodeMonitorGracePeriodMs: GRACE_MS });
    const a = start('controllers-a');
    await eventually('a leads', () => a.isLeading());
    const b = start('controllers-b');
    await delay(500);
    assert.equal(b.isLeading(), false);
    const lease = await client.resource(kinds.Lease, 'kube-system').get('kube-controller-manager');
    assert.equal(lease.spec?.holderIdentity, 'controllers-a');

    await client.resource(kinds.Node).patch('node-1', { spec: { unschedulable: true } });
    await eventually('a taints', async () => taintKeys(await getNode(client, 'node-1')).length === 1);

    await a.stop();
    await eventually('b leads', () => b.isLeading());
    assert.equal((await client.resource(kinds.Lease, 'kube-system').get('kube-controller-manager')).spec?.holderIdentity, 'controllers-b');
    await client.resource(kinds.Node).patch('node-2', { spec: { unschedulable: true } });
    await eventually('b taints', async () => taintKeys(await getNode(client, 'node-2')).length === 1);

    await b.stop();
    const released = await client.resource(kinds.Lease, 'kube-system').get('kube-controller-manager');
    assert.equal(released.spec?.holderIdentity, undefined, 'released on shutdown');
  });
});
