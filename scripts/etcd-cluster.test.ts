// scripts/etcd-cluster.ts against the real etcd (skipped without it): three
// members healthy, one killed and the other two still serving, and the
// message that names the install command when there is no etcd.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { EtcdNotInstalled, etcdLeader, findEtcd, startEtcdCluster } from './etcd-cluster.js';

const skip = findEtcd() ? false : 'etcd is not installed (sudo apt-get install etcd-server)';

describe('etcd cluster', () => {
  test('without an etcd binary, the error gives the install command', async () => {
    const started = startEtcdCluster({ members: 1, dataDir: tmpdir(), etcdBinary: '/nonexistent/etcd' });
    await assert.rejects(started, (error: unknown) => error instanceof EtcdNotInstalled && error.message.endsWith('install it with: sudo apt-get install etcd-server'));
  });

  test('three members turn healthy; with its leader killed the other two elect one and keep serving', { skip, timeout: 30_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'kubelab-etcd-cluster-'));
    const cluster = await startEtcdCluster({ members: 3, dataDir });
    try {
      assert.deepEqual(cluster.members.map((m) => m.name), ['infra1', 'infra2', 'infra3']);
      assert.equal(new Set(cluster.endpoints).size, 3);
      const leader = await etcdLeader(cluster);
      assert.ok(leader, 'a leader');
      await cluster.killMember(leader.name);
      assert.equal(await leader.exited, 'SIGKILL');
      assert.deepEqual(cluster.running().map((m) => m.name).includes(leader.name), false);
      let next;
      const deadline = Date.now() + 15_000;
      while (!(next = await etcdLeader(cluster)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      assert.ok(next && next.name !== leader.name, 'a new leader among the two left');
      const health = (await (await fetch(`${next.endpoint}/health`)).json()) as { health: string };
      assert.equal(health.health, 'true');
    } finally {
      await cluster.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
    assert.equal(cluster.running().length, 0);
  });
});
