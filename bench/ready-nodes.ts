// Counts Ready Nodes from one watch stream instead of polling lists: a list
// of 5,000 Nodes is megabytes of JSON for the apiserver to write each time,
// while a watch costs it one more delivery per Node change.
import { performance } from 'node:perf_hooks';
import { watchEvents } from './watch-events.js';

interface NodeShape {
  metadata?: { name?: string };
  status?: { conditions?: { type: string; status: string }[] };
}

export interface ReadyNodesWatch {
  /** Resolves with performance.now() when `expected` Nodes whose names start with the prefix are Ready. */
  readonly allReady: Promise<number>;
  ready(): number;
  close(): void;
}

/** Watches Nodes from the current revision (start it before the nodes register). */
export async function watchReadyNodes(url: string, namePrefix: string, expected: number): Promise<ReadyNodesWatch> {
  const ready = new Set<string>();
  let resolveReady!: (at: number) => void;
  const reached = new Promise<number>((resolve) => (resolveReady = resolve));
  const watch = await watchEvents<NodeShape>(url, '/api/v1/nodes', (event) => {
    const name = event.object.metadata?.name ?? '';
    if (!name.startsWith(namePrefix)) return;
    const isReady = event.type !== 'DELETED' && (event.object.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false);
    if (isReady) ready.add(name);
    else ready.delete(name);
    if (ready.size === expected) resolveReady(performance.now());
  });
  const allReady = Promise.race([reached, watch.ended]);
  allReady.catch(() => undefined);
  return { allReady, ready: () => ready.size, close: () => watch.close() };
}
