// A real etcd beside kubelab in a benchmark: one member of store/etcd-cluster.ts.
import type { Etcd3 } from 'etcd3';
import { startEtcdCluster } from '../store/index.js';

export interface EtcdServer {
  readonly endpoint: string;
  readonly version: string;
  client(): Etcd3;
  stop(): Promise<void>;
}

/** Starts etcd, or answers undefined when no etcd binary is installed. */
export async function startEtcd(): Promise<EtcdServer | undefined> {
  const cluster = await startEtcdCluster();
  return cluster && { endpoint: cluster.endpoints[0]!, version: cluster.version, client: () => cluster.client(), stop: () => cluster.stop() };
}
