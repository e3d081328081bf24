// A watch over a WebSocket that outlives its connections: one JSON event per
// text frame (apiserver/watch.ts), the last resourceVersion remembered from
// objects and BOOKMARKs, and a reconnect with backoff that resumes from it, as
// client-go's reflector re-watches (tools/cache/reflector.go watchHandler and
// its backoff manager). A 410 Expired ends the watch with an ApiError: the
// caller re-lists and watches again from the list's resourceVersion.
import WebSocket, { type RawData } from 'ws';
import type { Logger } from 'pino';
import type { ApiError, Status } from '../proto/index.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import { systemClock, type Clock, type Timer } from './clock.js';
import { apiErrorFromResponse, apiErrorFromStatus, isExpired } from './errors.js';
import { queryString, type KubeClient, type KubeObject, type ResourceClient } from './rest.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchEvent<T extends KubeObject> {
  readonly type: WatchEventType;
  readonly object: T;
}

/**
 * Hears what a watch receives, in order, as it receives it: for callers that
 * check or trace a watch (kubelab's tests check the watch guarantees with it).
 * client-go has no such hook (its nearest is wrapping the watch.Interface);
 * this one is kept to the two facts a check needs. Called synchronously; an
 * observer that throws is logged and ignored.
 */
export interface WatchObserver {
  /** A connection is being opened from `resourceVersion` (undefined: from "now"): the first, or a resume. */
  onConnect?(resourceVersion: string | undefined): void;
  /**
   * A frame the watch took: an event or BOOKMARK with its object, or an
   * in-stream ERROR with its Status. Events dropped when the buffer is full are
   * not reported: the resume delivers them again.
   */
  onFrame?(type: WatchEventType | 'ERROR', object: KubeObject | Status): void;
}

export interface WatchOptions {
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Where to start: a list's resourceVersion. Without one the server starts at "now" and a reconnect may miss events. */
  readonly resourceVersion?: string;
  /** Asks the server for BOOKMARKs, which move the remembered resourceVersion on while nothing changes. */
  readonly allowWatchBookmarks?: boolean;
  /** Each connection's timeoutSeconds; the watch reconnects when the server ends one. */
  readonly timeoutSeconds?: number;
  readonly clock?: Clock;
  readonly backoff?: Partial<BackoffOptions>;
  /**
   * Events received but not yet read. When a slow reader lets this many pile
   * up, the connection is dropped and resumed from the last buffered event once
   * the reader has caught up by half: memory stays bounded and nothing is lost.
   */
  readonly maxBufferedEvents?: number;
  /** Hears each connection and each frame taken (see WatchObserver). */
  readonly observer?: WatchObserver;
}

export const watchDefaults = { allowWatchBookmarks: true, maxBufferedEvents: 1000 } as const;

/** Frames the server sends: an event, or an ERROR carrying a Status. */
interface Frame {
  readonly type: WatchEventType | 'ERROR';
  readonly object: KubeObject | Status;
}

/**
 * An async iterable of events. Iteration ends when stop() is called and
 * throws an ApiError when the watch cannot go on (410 Expired: re-list).
 */
export class ResourceWatch<T extends KubeObject> implements AsyncIterable<WatchEvent<T>> {
  private readonly client: KubeClient;
  private readonly path: string;
  private readonly options: WatchOptions;
  private readonly clock: Clock;
  private readonly backoff: Backoff;
  private readonly maxBuffered: number;
  private readonly log: Logger;
  private lastResourceVersion: string | undefined;
  private readonly buffered: WatchEvent<T>[] = [];
  private reader: (() => void) | undefined;
  private socket: WebSocket | undefined;
  private reconnectTimer: Timer | undefined;
  private failure: ApiError | undefined;
  private stopped = false;
  private overflowed = false;
  private connections = 0;

  constructor(resource: ResourceClient<T>, options: WatchOptions = {}) {
    this.client = resource.client;
    this.path = resource.path();
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.backoff = new Backoff(options.backoff);
    this.maxBuffered = options.maxBufferedEvents ?? watchDefaults.maxBufferedEvents;
    this.log = resource.client.log.child({ watch: this.path });
    this.lastResourceVersion = options.resourceVersion;
    this.connect();
  }

  /** The resourceVersion of the last event or BOOKMARK received: where a reconnect resumes. */
  get resourceVersion(): string | undefined {
    return this.lastResourceVersion;
  }

  /** Events received and not yet read: never more than maxBufferedEvents. */
  get bufferedCount(): number {
    return this.buffered.length;
  }

  /** How many connections were opened so far (1 until the first reconnect). */
  get connectionCount(): number {
    return this.connections;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.reconnectTimer?.cancel();
    this.socket?.terminate();
    this.wakeReader();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent<T>> {
    try {
      for (;;) {
        if (this.overflowed && !this.socket && this.buffered.length <= this.maxBuffered / 2) {
          this.overflowed = false;
          this.connect();
        }
        const event = this.buffered.shift();
        if (event) {
          yield event;
          continue;
        }
        if (this.failure) throw this.failure;
        if (this.stopped) return;
        await new Promise<void>((resolve) => (this.reader = resolve));
      }
    } finally {
      this.stop();
    }
  }

  private url(): string {
    const query = queryString({
      watch: 'true',
      resourceVersion: this.lastResourceVersion,
      allowWatchBookmarks: this.options.allowWatchBookmarks ?? watchDefaults.allowWatchBookmarks,
      labelSelector: this.options.labelSelector,
      fieldSelector: this.options.fieldSelector,
      timeoutSeconds: this.options.timeoutSeconds,
    });
    return this.client.server.replace(/^http/, 'ws') + this.path + query;
  }

  private connect(): void {
    if (this.stopped) return;
    const server = this.client.server;
    const socket = new WebSocket(this.url(), { headers: this.client.headers, ...this.client.tls });
    this.socket = socket;
    this.connections++;
    this.observe((o) => o.onConnect?.(this.lastResourceVersion));
    let delivered = false;
    let opened = false;
    socket.on('open', () => (opened = true));
    socket.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) return;
      delivered = this.receive(rawText(data)) || delivered;
    });
    socket.on('unexpected-response', (_request, response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        this.fail(apiErrorFromResponse(response.statusCode ?? 500, text));
        socket.terminate();
      });
    });
    socket.on('error', (error) => {
      this.log.debug({ err: error, server }, 'watch connection failed');
      if (!opened) this.client.failOver(server);
    });
    socket.on('close', (code) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      if (this.stopped || this.failure || this.overflowed) return this.wakeReader();
      // A connection that delivered events ended as watches do (timeout, server
      // restart): resume at once. One that delivered nothing waits, longer each time.
      if (delivered) this.backoff.reset();
      const delay = delivered ? 0 : this.backoff.next();
      this.log.debug({ code, delay, resourceVersion: this.lastResourceVersion }, 'watch connection closed, resuming');
      this.reconnectTimer = this.clock.schedule(delay, () => this.connect());
    });
  }

  /** Takes one frame; answers whether it was an event. */
  private receive(text: string): boolean {
    let frame: Frame;
    try {
      frame = JSON.parse(text) as Frame;
    } catch {
      this.log.warn({ text: text.slice(0, 200) }, 'watch frame is not JSON, ignored');
      return false;
    }
    if (frame.type === 'ERROR') {
      this.observe((o) => o.onFrame?.('ERROR', frame.object));
      const error = apiErrorFromStatus(frame.object as Status);
      // as client-go's reflector: 410 means the history is gone, anything else is worth another try.
      if (isExpired(error)) this.fail(error);
      else this.log.warn({ err: error }, 'watch ERROR event, reconnecting');
      return false;
    }
    if (this.overflowed) return false;
    if (this.buffered.length >= this.maxBuffered) {
      // Drop this event and the connection; the resume from lastResourceVersion sends it again.
      this.overflowed = true;
      this.socket?.terminate();
      return false;
    }
    const object = frame.object as T;
    const rv = object.metadata?.resourceVersion;
    if (rv) this.lastResourceVersion = rv;
    this.observe((o) => o.onFrame?.(frame.type, object));
    this.buffered.push({ type: frame.type, object });
    this.wakeReader();
    return true;
  }

  private observe(call: (observer: WatchObserver) => void): void {
    if (!this.options.observer) return;
    try {
      call(this.options.observer);
    } catch (error) {
      this.log.warn({ err: error }, 'watch observer threw');
    }
  }

  private fail(error: ApiError): void {
    this.failure ??= error;
    this.socket?.close();
    this.wakeReader();
  }

  private wakeReader(): void {
    const reader = this.reader;
    this.reader = undefined;
    reader?.();
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
