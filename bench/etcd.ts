// A real etcd beside kubelab in a benchmark: the Debian package's binary
// (`apt-get install etcd-server`) as a one-member cluster of
// scripts/etcd-cluster.ts, on loopback ports of its own with a temporary data
// directory, and stopped (only it, by its pid) afterwards.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { findEtcd, startEtcdCluster, type EtcdCluster } from '../scripts/etcd-cluster.js';

export { findEtcd };

export interface EtcdServer {
  readonly endpoint: string;
  readonly version: string;
  client(): Etcd3;
  stop(): Promise<void>;
}

/** A cluster of `members` in a temporary directory, removed again by `stop()`. */
export async function startBenchEtcdCluster(members: number): Promise<{ cluster: EtcdCluster; stop: () => Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'kubelab-bench-etcd-'));
  const remove = () => rm(dataDir, { recursive: true, force: true });
  try {
    const cluster = await startEtcdCluster({ members, dataDir, namePrefix: 'bench' });
    return { cluster, stop: () => cluster.stop().then(remove) };
  } catch (error) {
    await remove();
    throw error;
  }
}

/** Starts a one-member etcd, or answers undefined when no etcd binary is installed. */
export async function startEtcd(): Promise<EtcdServer | undefined> {
  if (!findEtcd()) return undefined;
  const { cluster, stop } = await startBenchEtcdCluster(1);
  const endpoint = cluster.endpoints[0]!;
  const clients: Etcd3[] = [];
  return {
    endpoint,
    version: cluster.version,
    client: () => {
      const client = new Etcd3({ hosts: endpoint });
      clients.push(client);
      return client;
    },
    stop: async () => {
      for (const c of clients) c.close();
      await stop();
    },
  };
}
