/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-member-access -- watch frames are untyped JSON from the wire */
// Records what one API watch delivers, over chunked HTTP (`?watch=1`,
// newline-delimited JSON) or a WebSocket (one event per text frame), so that
// guarantees.ts can check it. A test opens a watch, does its work, then stops
// the recorder and checks its frames:
//
//   const watch = watchHttp(server.url, '/api/v1/namespaces/default/configmaps', { resourceVersion: rv });
//   ...
//   const frames = await watch.stop();
//   checkWatch(frames, { from: Number(rv) });
import WebSocket from 'ws';

/** One frame as the server sent it: an event (with the object's name and resourceVersion) or an ERROR Status. */
export interface WatchFrame {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  readonly name: string;
  readonly namespace: string;
  readonly resourceVersion: number;
  /** ERROR frames: the Status code and reason. */
  readonly code?: number;
  readonly reason?: string;
  /** The whole object, for checks of their own. */
  readonly object: any;
}

export interface WatchRecorder {
  readonly transport: 'http' | 'websocket';
  /** Frames so far. */
  readonly frames: readonly WatchFrame[];
  /** Resolves once the server ended the watch (an ERROR, a timeout) or stop() was called. */
  readonly ended: Promise<void>;
  /** The HTTP status of the watch request (200 unless refused before streaming; 101 for a WebSocket). */
  status(): number | undefined;
  /** Resolves once a frame satisfies `predicate` (or the watch ends). */
  waitFor(predicate: (frame: WatchFrame) => boolean, timeoutMs?: number): Promise<WatchFrame | undefined>;
  /** Closes the connection; resolves with every frame received. */
  stop(): Promise<WatchFrame[]>;
}

export interface WatchQuery {
  readonly resourceVersion?: string;
  readonly allowWatchBookmarks?: boolean;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly timeoutSeconds?: number;
}

/** A frame as received (an event or an ERROR Status), named for the checks. */
export function toFrame(raw: { type: WatchFrame['type']; object: any }): WatchFrame {
  const metadata = raw.object?.metadata ?? {};
  return {
    type: raw.type,
    name: metadata.name ?? '',
    namespace: metadata.namespace ?? '',
    resourceVersion: Number(metadata.resourceVersion ?? 0),
    code: raw.type === 'ERROR' ? raw.object?.code : undefined,
    reason: raw.type === 'ERROR' ? raw.object?.reason : undefined,
    object: raw.object,
  };
}

function queryOf(query: WatchQuery): string {
  const params = new URLSearchParams({ watch: '1' });
  if (query.resourceVersion !== undefined) params.set('resourceVersion', query.resourceVersion);
  if (query.allowWatchBookmarks) params.set('allowWatchBookmarks', 'true');
  if (query.labelSelector) params.set('labelSelector', query.labelSelector);
  if (query.fieldSelector) params.set('fieldSelector', query.fieldSelector);
  if (query.timeoutSeconds !== undefined) params.set('timeoutSeconds', String(query.timeoutSeconds));
  return '?' + params.toString();
}

/** Shared by both transports: the frames, the waiters and the end. */
class FrameLog {
  readonly frames: WatchFrame[] = [];
  private readonly waiters = new Set<() => void>();
  private endResolve!: () => void;
  readonly ended = new Promise<void>((resolve) => (this.endResolve = resolve));
  private done = false;

  add(frame: WatchFrame): void {
    this.frames.push(frame);
    for (const wake of this.waiters) wake();
  }

  end(): void {
    this.done = true;
    this.endResolve();
    for (const wake of this.waiters) wake();
  }

  async waitFor(predicate: (frame: WatchFrame) => boolean, timeoutMs = 10_000): Promise<WatchFrame | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (let seen = 0; ; ) {
      for (; seen < this.frames.length; seen++) if (predicate(this.frames[seen]!)) return this.frames[seen];
      if (this.done || Date.now() > deadline) return undefined;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => wake(), Math.max(0, deadline - Date.now()));
        const wake = (): void => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        this.waiters.add(wake);
      });
    }
  }
}

/** A watch over chunked HTTP, as kubectl get -w and client-go read it. */
export function watchHttp(serverUrl: string, path: string, query: WatchQuery = {}): WatchRecorder {
  const log = new FrameLog();
  const abort = new AbortController();
  let status: number | undefined;
  void (async () => {
    try {
      const response = await fetch(serverUrl + path + queryOf(query), { signal: abort.signal });
      status = response.status;
      if (!response.ok || !response.body) {
        // Refused before streaming: recorded as the ERROR frame it carries, so checks see one shape.
        const body = (await response.json().catch(() => ({}))) as any;
        log.add(toFrame({ type: 'ERROR', object: body }));
        return;
      }
      const decoder = new TextDecoder();
      let buffered = '';
      for await (const chunk of response.body) {
        buffered += decoder.decode(chunk as Uint8Array, { stream: true });
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          if (line.trim() !== '') log.add(toFrame(JSON.parse(line)));
        }
      }
    } catch (error) {
      if (!abort.signal.aborted) log.add(toFrame({ type: 'ERROR', object: { code: 0, reason: 'ConnectionLost', message: String(error) } }));
    } finally {
      log.end();
    }
  })();
  return {
    transport: 'http',
    frames: log.frames,
    ended: log.ended,
    status: () => status,
    waitFor: (predicate, timeoutMs) => log.waitFor(predicate, timeoutMs),
    stop: async () => {
      abort.abort();
      await log.ended;
      return [...log.frames];
    },
  };
}

/** A watch over a WebSocket, as kubelab's client/watch.ts reads it. */
export function watchWebSocket(serverUrl: string, path: string, query: WatchQuery = {}): WatchRecorder {
  const log = new FrameLog();
  const socket = new WebSocket(serverUrl.replace(/^http/, 'ws') + path + queryOf(query));
  let status: number | undefined;
  let stopping = false;
  socket.on('upgrade', (response) => (status = response.statusCode));
  socket.on('message', (data) => log.add(toFrame(JSON.parse((data as Buffer).toString('utf8')))));
  socket.on('error', (error) => {
    if (!stopping) log.add(toFrame({ type: 'ERROR', object: { code: 0, reason: 'ConnectionLost', message: String(error) } }));
  });
  socket.on('close', () => log.end());
  return {
    transport: 'websocket',
    frames: log.frames,
    ended: log.ended,
    status: () => status,
    waitFor: (predicate, timeoutMs) => log.waitFor(predicate, timeoutMs),
    stop: async () => {
      stopping = true;
      if (socket.readyState === WebSocket.CONNECTING) await new Promise((resolve) => socket.once('open', resolve).once('error', resolve));
      socket.close();
      await log.ended;
      return [...log.frames];
    },
  };
}
