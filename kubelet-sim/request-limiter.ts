// One process may host thousands of nodes, each with its lease, status and
// pods to write: without a bound they would open thousands of connections at
// once. Every request of the process goes through this fetch, which lets
// `maxInFlight` run and queues the rest in order. The queue is bounded by its
// callers: each node agent has at most one registration, lease renewal and
// status report outstanding, each pod at most one write, and the event
// recorders bound their own queues.
export function limitedFetch(maxInFlight: number, inner: typeof fetch = fetch): typeof fetch {
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
  return async (input, init) => {
    await acquire();
    try {
      const response = await inner(input, init);
      // Read the body while holding the slot, so a slow reader cannot pile up open responses.
      const body = await response.arrayBuffer();
      return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    } finally {
      release();
    }
  };
}
