// upstream's watchtools.Until for the conformance restatements: a chunked
// watch of a collection from a resourceVersion, read until an event's object
// satisfies a condition, or failing when the watch ends first.
import assert from 'node:assert/strict';

export interface WatchEventLine<T> {
  readonly type: string;
  readonly object: T;
}

/** Watches `collectionPath` (with `labelSelector`) from `resourceVersion` until `found` holds for an event; answers that event. */
export async function watchUntil<T>(
  server: string,
  collectionPath: string,
  options: { labelSelector?: string; resourceVersion?: string; timeoutSeconds?: number },
  found: (event: WatchEventLine<T>) => boolean | undefined,
): Promise<WatchEventLine<T>> {
  const query = new URLSearchParams({ watch: 'true', timeoutSeconds: String(options.timeoutSeconds ?? 20) });
  if (options.labelSelector) query.set('labelSelector', options.labelSelector);
  if (options.resourceVersion) query.set('resourceVersion', options.resourceVersion);
  const response = await fetch(`${server}${collectionPath}?${query.toString()}`);
  assert.equal(response.status, 200, `watch ${collectionPath}: ${response.status}`);
  const reader = response.body!.getReader() as ReadableStreamDefaultReader<Uint8Array>;
  const decoder = new TextDecoder();
  let buffered = '';
  // The watch guarantees (test/watch-guarantees) on the way: from a resourceVersion, events come in
  // strictly increasing order, none twice. (From none or "0", the synthetic ADDED events of what
  // exists come first, in no order, as upstream's.)
  let last = options.resourceVersion && options.resourceVersion !== '0' ? Number(options.resourceVersion) : undefined;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) throw new Error(`watch ${collectionPath} ended before the awaited event`);
      buffered += decoder.decode(value, { stream: true });
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (!line) continue;
        const event = JSON.parse(line) as WatchEventLine<T>;
        if (last !== undefined && event.type !== 'BOOKMARK' && event.type !== 'ERROR') {
          const at = Number((event.object as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion);
          assert.ok(at > last, `watch ${collectionPath}: ${event.type} at resourceVersion ${at} after ${last}: out of order or twice`);
          last = at;
        }
        if (found(event) === true) return event;
      }
    }
  } finally {
    await reader.cancel();
  }
}
