// Watching a DaemonSet's pods in a test: the most pods of one DaemonSet
// (label `name`) ever on one node at once, terminating ones included, seen
// through an informer for the whole test (SCENARIOS.md S2 and S13). The
// informer's watch is itself checked (watch-guarantees/informer-check.ts):
// checkWatch() at the end of the test.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { kinds, type KubeClient } from '../client/index.js';
import { checkedInformer } from './watch-guarantees/index.js';

const pinnedNode = (pod: Pod) => pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.[0]?.values?.[0];

/**
 * Watches the pods of `namespace` and remembers the most pods of one DaemonSet ever on one node at once.
 * `reference`: the API server a plain watch of the same pods runs on, to check the informer's for gaps.
 */
export function podsPerNodeMonitor(client: KubeClient, namespace: string, reference: string) {
  const watched = checkedInformer(client.resource(kinds.Pod, namespace), { reference, name: `pods-per-node informer of ${namespace}` });
  const informer = watched.informer;
  const most = new Map<string, number>();
  const check = () => {
    const counts = new Map<string, number>();
    for (const pod of informer.list()) {
      const key = `${pod.metadata?.labels?.name}@${pod.spec?.nodeName ?? pinnedNode(pod)}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    for (const [key, n] of counts) {
      const ds = key.split('@')[0]!;
      most.set(ds, Math.max(most.get(ds) ?? 0, n));
    }
  };
  informer.addEventHandler({ onAdd: check, onUpdate: check, onDelete: check });
  informer.start();
  return {
    informer,
    most: (ds: string) => most.get(ds) ?? 0,
    /** Stops the informer and asserts its watch's guarantees; answers what was checked. */
    checkWatch: () => watched.check(),
    /** Stops the informer (after a failed test, or once checked). */
    stop: () => watched.stop(),
  };
}
