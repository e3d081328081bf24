// Watching a DaemonSet's pods in a test: the most pods of one DaemonSet
// (label `name`) ever on one node at once, terminating ones included, seen
// through an informer for the whole test (SCENARIOS.md S2 and S13).
import type { Pod } from 'kubernetes-types/core/v1.js';
import { Informer, kinds, type KubeClient } from '../client/index.js';

const pinnedNode = (pod: Pod) => pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.[0]?.values?.[0];

/** Watches the pods of `namespace` and remembers the most pods of one DaemonSet ever on one node at once. */
export function podsPerNodeMonitor(client: KubeClient, namespace: string) {
  const informer = new Informer<Pod>(client.resource(kinds.Pod, namespace));
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
  return { informer, most: (ds: string) => most.get(ds) ?? 0 };
}
