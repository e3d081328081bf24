// startCluster(), the in-process lab for test suites: three nodes Ready as
// kubectl shows them; a node whose kubelet stops goes NotReady with upstream's
// taints and recovers when it comes back (SCENARIOS.md S4); two clusters side
// by side in one process.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { kinds, type KubeClient } from '../client/index.js';
import { startCluster, type Cluster } from '../scripts/start-cluster.js';
import { KUBECTL } from './kubectl.js';

const GRACE_MS = 1_500;

function kubectl(cluster: Cluster, ...args: string[]): Promise<string> {
  const env = { ...process.env, KUBECONFIG: cluster.kubeconfigPath, KUBECACHEDIR: `${cluster.kubeconfigPath}.cache` };
  return new Promise((resolve, reject) =>
    execFile(KUBECTL, args, { env, timeout: 30_000 }, (error, stdout, stderr) => (error ? reject(new Error(stderr || error.message)) : resolve(stdout))),
  );
}

async function eventually<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function readyStatus(client: KubeClient, name: string): Promise<{ ready: string; taints: string[] }> {
  const node = await client.resource(kinds.Node).get(name);
  return {
    ready: node.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? '',
    taints: (node.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`).sort(),
  };
}

describe('startCluster', () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster({ nodes: 3, nodeMonitorGracePeriodMs: GRACE_MS, kubelet: { leaseRenewMs: 200 } });
  });
  after(() => cluster.stop());

  test('three nodes are Ready, node-1 the control plane, as kubectl get nodes shows', async () => {
    const rows = (await kubectl(cluster, 'get', 'nodes', '--no-headers')).trim().split('\n').map((line) => line.split(/\s+/).slice(0, 3));
    assert.deepEqual(rows, [
      ['node-1', 'Ready', 'control-plane'],
      ['node-2', 'Ready', '<none>'],
      ['node-3', 'Ready', '<none>'],
    ]);
  });

  test('a node whose kubelet stops goes NotReady with the unreachable taints, and recovers when it is back', async () => {
    await cluster.stopNode('node-3');
    const lost = await eventually('node-3 Unknown', 10_000, async () => {
      const status = await readyStatus(cluster.client, 'node-3');
      return status.ready === 'Unknown' && status.taints.length === 2 ? status : undefined;
    });
    assert.deepEqual(lost.taints, ['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
    assert.match(await kubectl(cluster, 'get', 'node', 'node-3', '--no-headers'), /^node-3\s+NotReady\s/);
    await cluster.startNode('node-3');
    const back = await eventually('node-3 Ready', 10_000, async () => {
      const status = await readyStatus(cluster.client, 'node-3');
      return status.ready === 'True' && status.taints.length === 0 ? status : undefined;
    });
    assert.deepEqual(back, { ready: 'True', taints: [] });
  });

  test('a node added later registers and turns Ready, and is among the cluster nodes', async () => {
    await cluster.addNode({ name: 'node-4', labels: { disk: 'ssd' } });
    const status = await eventually('node-4 Ready', 10_000, async () => {
      const ready = await readyStatus(cluster.client, 'node-4');
      return ready.ready === 'True' ? ready : undefined;
    });
    assert.deepEqual(status, { ready: 'True', taints: [] });
    assert.deepEqual(cluster.nodeNames, ['node-1', 'node-2', 'node-3', 'node-4']);
    assert.match(await kubectl(cluster, 'get', 'node', '-l', 'disk=ssd', '--no-headers'), /^node-4\s+Ready\s/);
    await assert.rejects(cluster.addNode({ name: 'node-2' }), /node node-2 exists already/);
  });

  test('two clusters run side by side in one process, each with its own objects', async () => {
    const other = await startCluster({ nodes: 1 });
    try {
      assert.notEqual(other.url, cluster.url);
      await other.client.resource(kinds.ConfigMap, 'default').create({ metadata: { name: 'only-here' } });
      const mine = await cluster.client.resource(kinds.ConfigMap, 'default').list({ fieldSelector: 'metadata.name=only-here' });
      assert.equal(mine.items.length, 0);
      assert.deepEqual(other.nodeNames, ['node-1']);
    } finally {
      await other.stop();
    }
  });
});
