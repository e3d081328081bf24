// One process may host thousands of nodes, each with its lease, status and
// pods to write: without a bound they would open thousands of connections at
// once. Every request of the process goes through this fetch, which lets
// `maxInFlight` run and queues the rest in order. The queue is bounded by its
// callers: each node agent has at most one registration, lease renewal and
// status report outstanding, each pod at most one write, and the event
// recorders bound their own queues.
import { httpTransport, type Transport } from '../client/index.js';
export function limitedFetch(maxInFlight: number, inner: Transport = httpTransport): Transport {
  let running = 0;
  const waiting: (() => void)[] = [];
  const acquire = (): Promise<void> => {
    if (running < maxInFlight) {
      running++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => waiting.push(resolve));
  };
  // A freed slot goes straight to the next waiter, so the bound holds exactly.
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  return async (url, init) => {
    await acquire();
    try {
      const response = await inner(url, init);
      // Read the body while holding the slot, so a slow reader cannot pile up open responses.
      const body = await response.text();
      return { status: response.status, ok: response.ok, text: () => Promise.resolve(body) };
    } finally {
      release();
    }
  };
}
