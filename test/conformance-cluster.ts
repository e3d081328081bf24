// What the conformance restatements share: one lab cluster per describe
// (3 nodes, pod stages at 5 % of the lab's), and a namespace per test, as the
// e2e framework's f.Namespace.
import { after, before } from 'node:test';
import { kinds, type KubeClient } from '../client/index.js';
import { defaultPodStages, scaleStageDelays } from '../kubelet-sim/index.js';
import { startCluster, type Cluster } from '../scripts/start-cluster.js';

export interface ConformanceLab {
  readonly cluster: Cluster;
  readonly client: KubeClient;
  /** The current test's namespace. */
  readonly ns: string;
  /** Creates the next test's namespace `<base>-<n>` and answers its name. */
  newNamespace(): Promise<string>;
}

/** Registers the cluster's start and stop on the enclosing describe. */
export function conformanceLab(base: string): ConformanceLab {
  let cluster: Cluster | undefined;
  let ns = '';
  let count = 0;
  before(async () => {
    cluster = await startCluster({ nodes: 3, kubelet: { stages: scaleStageDelays(defaultPodStages, 0.05) } });
  });
  after(() => cluster?.stop());
  const started = () => {
    if (!cluster) throw new Error('conformanceLab: the cluster is not started (use it inside a test)');
    return cluster;
  };
  return {
    get cluster() {
      return started();
    },
    get client() {
      return started().client;
    },
    get ns() {
      return ns;
    },
    async newNamespace() {
      ns = `${base}-${++count}`;
      await started().client.resource(kinds.Namespace).create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      return ns;
    },
  };
}
