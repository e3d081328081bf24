// A watch request, over chunked HTTP (newline-delimited JSON events, what
// kubectl get -w and client-go read) or over a WebSocket (one event per text
// frame, what kubelab's controllers and kubelets use). Upstream:
// staging/src/k8s.io/apiserver/pkg/endpoints/handlers/watch.go.
import type { ServerResponse } from 'node:http';
import type { WebSocket } from 'ws';
import { apiVersionOf, badRequest, type ApiError, type ResourceType } from '../proto/index.js';
import type { Clock } from '../store/index.js';
import type { Rendering } from './content.js';
import type { Registry } from './registry/registry.js';
import type { KubeObject } from './registry/strategy.js';
import type { RequestInfo } from './request-info.js';
import { parseRevision, type Query } from './rest.js';
import { parseSelection } from './selection.js';
import { includeObjectOf, toTable } from './table.js';
import { ClientTooSlowError, type CacheWatcher, type WatchCache, type WatchFrame } from './watch-cache.js';

export interface WatchOptions {
  /** How often to send a BOOKMARK to a client that allows them. */
  readonly bookmarkIntervalMs: number;
  /** The longest a watch without timeoutSeconds stays open (upstream's --min-request-timeout, 1800 s, randomised up to twice that). */
  readonly defaultTimeoutMs: number;
  /**
   * Bytes a connection may hold unsent before its client is cut off: a
   * client that stops reading never makes the server buffer without bound.
   */
  readonly maxUnsentBytes: number;
}

export const watchDefaults: WatchOptions = { bookmarkIntervalMs: 60_000, defaultTimeoutMs: 1_800_000, maxUnsentBytes: 16 * 1024 * 1024 };

/** One watch request, from its query to the frames it sends. */
export class WatchSession {
  private constructor(
    private readonly watcher: CacheWatcher,
    private readonly encode: (frame: WatchFrame) => string,
    private readonly timeoutMs: number,
    private readonly bookmarkMs: number | undefined,
    private readonly cacheRevision: () => number,
    private readonly maxUnsentBytes: number,
  ) {}

  /** Parses the query and registers the watch; throws an ApiError for a bad query before any byte is sent. */
  static async open(
    info: RequestInfo,
    query: Query,
    rendering: Rendering,
    deps: { registry: Registry; cache: WatchCache; clock: Clock; options: WatchOptions },
  ): Promise<WatchSession> {
    const objects = deps.registry.of(info.resource);
    const selection = parseSelection(objects.strategy, query.labelSelector, query.fieldSelector, { metadata: {} });
    const rv = query.resourceVersion ?? '';
    const sendInitialEvents = query.sendInitialEvents === 'true';
    if (sendInitialEvents && query.resourceVersionMatch !== 'NotOlderThan') {
      throw badRequest('sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless resourceVersionMatch is set to NotOlderThan');
    }
    if (sendInitialEvents && query.allowWatchBookmarks !== 'true') {
      throw badRequest('allowWatchBookmarks: Forbidden: sendInitialEvents requires setting allowWatchBookmarks to true');
    }
    if (query.resourceVersionMatch !== undefined && !sendInitialEvents) {
      throw badRequest('resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided');
    }
    const fromRevision = rv === '' || rv === '0' ? undefined : parseRevision(rv);
    if (sendInitialEvents && fromRevision !== undefined) await deps.cache.waitFor(fromRevision, 3_000);
    const name = info.name ?? selection.name;
    const watcher = await deps.cache.watch(info.resource, {
      namespace: info.namespace,
      matches: (o) => (name === undefined || o.metadata?.name === name) && (!selection.matches || selection.matches(o)),
      fromRevision,
      sendInitialEvents,
    });
    const timeoutSeconds = query.timeoutSeconds !== undefined ? Number(query.timeoutSeconds) : undefined;
    if (timeoutSeconds !== undefined && (!Number.isFinite(timeoutSeconds) || timeoutSeconds < 0)) {
      watcher.end();
      throw badRequest(`timeoutSeconds must be a whole number of 0 or more, not ${JSON.stringify(query.timeoutSeconds)}`);
    }
    const timeoutMs = timeoutSeconds !== undefined ? timeoutSeconds * 1000 : deps.options.defaultTimeoutMs * (1 + Math.random());
    const resource = info.resource;
    const include = includeObjectOf(query.includeObject);
    const table = deps.registry.of(resource).strategy.table;
    let first = true;
    const encode = (frame: WatchFrame): string => {
      if (frame.type === 'BOOKMARK') {
        const metadata: KubeObject['metadata'] = { resourceVersion: String(frame.revision) };
        if (frame.initialEventsEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
        return JSON.stringify({ type: 'BOOKMARK', object: { kind: resource.kind, apiVersion: apiVersionOf(resource), metadata } });
      }
      if (rendering === 'table') {
        const object = toTable(table, [frame.object], { resourceVersion: frame.object.metadata?.resourceVersion }, include, new Date(deps.clock.now()), first);
        first = false;
        return JSON.stringify({ type: frame.type, object });
      }
      return encodeEvent(frame.type, frame.object, resource);
    };
    const bookmarkMs = query.allowWatchBookmarks === 'true' ? deps.options.bookmarkIntervalMs : undefined;
    return new WatchSession(watcher, encode, timeoutMs, bookmarkMs, () => deps.cache.revision, deps.options.maxUnsentBytes);
  }

  /** Runs the watch over a chunked HTTP response until it times out, the client leaves or the server stops. */
  async streamHttp(response: ServerResponse): Promise<void> {
    response.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
    response.flushHeaders();
    response.on('close', () => this.watcher.end());
    await this.run(
      (text) => void response.write(text + '\n'),
      () => response.writableLength,
    );
    response.end();
  }

  /** Runs the watch over an open WebSocket: one event per text frame. */
  async streamWebSocket(socket: WebSocket): Promise<void> {
    socket.on('close', () => this.watcher.end());
    socket.on('error', () => this.watcher.end());
    await this.run(
      (text) => socket.send(text),
      () => socket.bufferedAmount,
    );
    if (socket.readyState === socket.OPEN) socket.close(1000, 'watch ended');
  }

  private async run(send: (text: string) => void, unsent: () => number): Promise<void> {
    const timer = setTimeout(() => this.watcher.end(), this.timeoutMs);
    const bookmarks = this.bookmarkMs !== undefined ? setInterval(() => this.bookmark(), this.bookmarkMs) : undefined;
    try {
      for await (const batch of this.watcher.batches()) {
        for (const frame of batch) send(this.encode(frame));
        if (unsent() > this.maxUnsentBytes) throw new ClientTooSlowError(`the watch client left more than ${this.maxUnsentBytes} bytes unread and was cut off`);
      }
    } catch (error) {
      // A client cut off for falling behind gets the reason as an ERROR event, as upstream's watch does.
      if (error instanceof ClientTooSlowError) send(JSON.stringify({ type: 'ERROR', object: errorStatus(410, 'Expired', error.message) }));
      else if ((error as ApiError).code !== undefined) send(JSON.stringify({ type: 'ERROR', object: (error as ApiError).toStatus() }));
      else throw error;
    } finally {
      clearTimeout(timer);
      clearInterval(bookmarks);
    }
  }

  /** A BOOKMARK goes through the queue, so it never overtakes an event it claims to follow. */
  private bookmark(): void {
    this.watcher.push({ type: 'BOOKMARK', revision: this.cacheRevision() });
  }

  end(): void {
    this.watcher.end();
  }
}

/**
 * Every watcher of a resource gets the same event as the same bytes: encoded
 * once per event, not once per watcher (upstream's cacher does the same with
 * its cachingObject).
 */
const encodedEvents = new WeakMap<KubeObject, Map<string, string>>();

function encodeEvent(type: string, object: KubeObject, resource: ResourceType): string {
  let byType = encodedEvents.get(object);
  if (!byType) encodedEvents.set(object, (byType = new Map<string, string>()));
  let text = byType.get(type);
  if (text === undefined) {
    text = JSON.stringify({ type, object: { apiVersion: apiVersionOf(resource), kind: resource.kind, ...object } });
    byType.set(type, text);
  }
  return text;
}

function errorStatus(code: number, reason: string, message: string): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}
