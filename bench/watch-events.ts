// One HTTP watch of a collection from its current revision, its events
// handed to a callback as they arrive: how the benchmarks see thousands of
// objects change without listing megabytes of JSON again and again.
import http from 'node:http';

export interface WatchEvent<T> {
  readonly type: string;
  readonly object: T;
}

export interface EventWatch {
  /** Rejects when the stream ends or fails before close(). */
  readonly ended: Promise<never>;
  close(): void;
}

/** Watches `collectionPath` (`/api/v1/nodes`) from the revision of a one-item list, so start it before the changes to see. */
export async function watchEvents<T>(url: string, collectionPath: string, onEvent: (event: WatchEvent<T>) => void): Promise<EventWatch> {
  const list = (await (await fetch(`${url}${collectionPath}?limit=1`)).json()) as { metadata: { resourceVersion: string } };
  const { hostname, port } = new URL(url);
  let request: http.ClientRequest | undefined;
  let closed = false;
  const ended = new Promise<never>((_, reject) => {
    const path = `${collectionPath}?watch=true&resourceVersion=${list.metadata.resourceVersion}`;
    request = http.get({ host: hostname, port, path, agent: false }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`watch ${collectionPath}: HTTP ${res.statusCode}`));
      let buffered = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffered += chunk;
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const event = JSON.parse(buffered.slice(0, newline)) as WatchEvent<T>;
          buffered = buffered.slice(newline + 1);
          onEvent(event);
        }
      });
      res.on('error', () => undefined);
      res.on('end', () => reject(new Error(`the watch of ${collectionPath} ended`)));
    });
    // Destroying the request in close() is the only expected error.
    request.on('error', (error) => {
      if (!closed) reject(error);
    });
  });
  ended.catch(() => undefined);
  return {
    ended,
    close: () => {
      closed = true;
      request?.destroy();
    },
  };
}
