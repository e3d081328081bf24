// Counts Ready Nodes from one watch stream instead of polling lists: a list
// of 5,000 Nodes is megabytes of JSON for the apiserver to write each time,
// while a watch costs it one more delivery per Node change.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

interface NodeEvent {
  type: string;
  object: { metadata?: { name?: string }; status?: { conditions?: { type: string; status: string }[] } };
}

export interface ReadyNodesWatch {
  /** Resolves with performance.now() when `expected` Nodes whose names start with the prefix are Ready. */
  readonly allReady: Promise<number>;
  ready(): number;
  close(): void;
}

/** Watches Nodes from the current revision (start it before the nodes register). */
export async function watchReadyNodes(url: string, namePrefix: string, expected: number): Promise<ReadyNodesWatch> {
  const list = (await (await fetch(`${url}/api/v1/nodes?limit=1`)).json()) as { metadata: { resourceVersion: string } };
  const { hostname, port } = new URL(url);
  const ready = new Set<string>();
  let request: http.ClientRequest | undefined;
  const allReady = new Promise<number>((resolve, reject) => {
    const path = `/api/v1/nodes?watch=true&resourceVersion=${list.metadata.resourceVersion}`;
    request = http.get({ host: hostname, port, path, agent: false }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`watch nodes: HTTP ${res.statusCode}`));
      let buffered = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffered += chunk;
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const event = JSON.parse(buffered.slice(0, newline)) as NodeEvent;
          buffered = buffered.slice(newline + 1);
          const name = event.object.metadata?.name ?? '';
          if (!name.startsWith(namePrefix)) continue;
          const isReady = event.type !== 'DELETED' && (event.object.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false);
          if (isReady) ready.add(name);
          else ready.delete(name);
          if (ready.size === expected) resolve(performance.now());
        }
      });
      res.on('error', () => undefined);
      res.on('end', () => reject(new Error(`the node watch ended with ${ready.size} of ${expected} Ready`)));
    });
    // Destroying the request in close() is the only expected error.
    request.on('error', (error) => reject(error));
  });
  allReady.catch(() => undefined);
  return { allReady, ready: () => ready.size, close: () => request?.destroy() };
}
