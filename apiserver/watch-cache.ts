// The watch cache (upstream staging/src/k8s.io/apiserver/pkg/storage/cacher):
// one store watch on /registry/ feeds, for every resource, its current objects
// and a window of recent events. API watches are served from it: N clients
// watching pods cost one store watch, and each client's selectors are applied
// here. Every API write is under /registry/, so the cache's revision follows
// the store's revision exactly, which lets a consistent read wait for it.
//
// A client that falls behind by more than its buffer is cut off (STYLE.md 9);
// it re-watches from its last resourceVersion, as client-go does.
import type { Logger } from 'pino';
import sortedBtree from 'sorted-btree';
import { expired, timeout, storagePrefix, type ResourceType } from '../proto/index.js';
import { StoreClosedError, type Store, type Watch, type WatchEvent } from '../store/index.js';
import { sharedObject } from './registry/object-store.js';
import type { KubeObject } from './registry/strategy.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change of one object, as the API reports it. */
export interface CachedEvent {
  readonly type: EventType;
  /** The object after the change; for DELETED the last state, at the deleting revision. */
  readonly object: KubeObject;
  /** The object before the change (absent for ADDED). */
  readonly previous?: KubeObject;
  readonly revision: number;
}

export type WatchFrame =
  | { readonly type: EventType; readonly object: KubeObject }
  | { readonly type: 'BOOKMARK'; readonly revision: number; readonly initialEventsEnd?: boolean };

export interface WatchFilter {
  readonly namespace?: string;
  /** Label and field selectors; absent: everything. */
  matches?(object: KubeObject): boolean;
}

/** Thrown into a client's frames when it fell behind past its buffer. */
export class ClientTooSlowError extends Error {}

/** One API client's watch: a bounded queue of frames between the cache and the connection. */
export class CacheWatcher {
  private queue: WatchFrame[] = [];
  private endedWith: { readonly error?: Error } | undefined;
  private wake: (() => void) | undefined;

  constructor(
    readonly filter: WatchFilter,
    private readonly maxFrames: number,
    private readonly onEnd: (watcher: CacheWatcher) => void,
  ) {}

  get ended(): boolean {
    return this.endedWith !== undefined;
  }

  /** Applies the filter to a change: a change that leaves the selection arrives as DELETED, as upstream. */
  offer(event: CachedEvent): void {
    const { filter } = this;
    const ns = event.object.metadata?.namespace;
    if (filter.namespace !== undefined && ns !== filter.namespace) return;
    const now = event.type !== 'DELETED' && (!filter.matches || filter.matches(event.object));
    const before = event.previous !== undefined && (!filter.matches || filter.matches(event.previous));
    if (event.type === 'DELETED') {
      if (before) this.push({ type: 'DELETED', object: event.object });
    } else if (now && before) {
      this.push({ type: 'MODIFIED', object: event.object });
    } else if (now) {
      this.push({ type: 'ADDED', object: event.object });
    } else if (before) {
      this.push({ type: 'DELETED', object: event.object });
    }
  }

  push(frame: WatchFrame): void {
    if (this.endedWith) return;
    this.queue.push(frame);
    if (this.queue.length > this.maxFrames) {
      this.end(new ClientTooSlowError(`the watch consumer fell more than ${this.maxFrames} events behind and was cut off`));
      return;
    }
    this.wakeConsumer();
  }

  end(error?: Error): void {
    if (this.endedWith) return;
    this.endedWith = error ? { error } : {};
    this.queue = [];
    this.onEnd(this);
    this.wakeConsumer();
  }

  private wakeConsumer(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** The frames, batch by batch, until the watch ends (throwing its error, if any). */
  async *batches(): AsyncGenerator<WatchFrame[]> {
    try {
      for (;;) {
        if (this.queue.length > 0) {
          const batch = this.queue;
          this.queue = [];
          yield batch;
          continue;
        }
        if (this.endedWith) {
          if (this.endedWith.error) throw this.endedWith.error;
          return;
        }
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      this.end();
    }
  }
}

// sorted-btree is CommonJS with its class on `default`.
const BTree = sortedBtree.default;

/** One resource's part of the cache. */
class ResourceCache {
  /** Current objects by storage key, kept in key order so a list needs no sort. */
  readonly objects = new BTree<string, KubeObject>();
  readonly history: CachedEvent[] = [];
  /** Watches may start from this revision or later: every change after it is in `history`. */
  oldestRevision: number;
  readonly watchers = new Set<CacheWatcher>();

  constructor(
    readonly resource: ResourceType,
    startRevision: number,
    private readonly capacity: number,
  ) {
    this.oldestRevision = startRevision;
  }

  apply(event: CachedEvent, key: string): void {
    if (event.type === 'DELETED') this.objects.delete(key);
    else this.objects.set(key, event.object);
    this.remember(event);
    for (const watcher of this.watchers) watcher.offer(event);
  }

  /**
   * Keeps an event for watches that resume, within the capacity. The oldest
   * events go an eighth of the capacity at a time, so that a write costs no
   * shift of the whole window.
   */
  remember(event: CachedEvent): void {
    this.history.push(event);
    if (this.history.length > this.capacity + Math.ceil(this.capacity / 8)) {
      const dropped = this.history.splice(0, this.history.length - this.capacity);
      this.oldestRevision = dropped[dropped.length - 1]!.revision;
    }
  }

  /** The current objects whose keys start with `prefix`, in key order. */
  *withPrefix(prefix: string): Generator<KubeObject> {
    for (const [key, object] of this.objects.entries(prefix)) {
      if (!key.startsWith(prefix)) return;
      yield object;
    }
  }
}

export interface WatchCacheOptions {
  /** Recent events kept per resource for watches that resume. */
  readonly historyCapacity?: number;
  /** Frames a client may fall behind before it is cut off. */
  readonly maxClientFrames?: number;
  readonly logger: Logger;
}

export interface StartWatchOptions extends WatchFilter {
  /** Resume after this revision; undefined: start with the current objects as ADDED events. */
  readonly fromRevision?: number;
  /** Begin with the current objects as ADDED events, then a BOOKMARK marking their end. */
  readonly sendInitialEvents?: boolean;
}

const REGISTRY = '/registry/';

export class WatchCache {
  private readonly byPrefix = new Map<string, ResourceCache>();
  private readonly byResource = new Map<ResourceType, ResourceCache>();
  private readonly waiters = new Set<{ revision: number; resolve: () => void }>();
  private storeWatch: Watch | undefined;
  private running: Promise<void> | undefined;
  private revisionSeen = 0;
  private readonly maxClientFrames: number;
  private readonly log: Logger;

  constructor(
    private readonly store: Store,
    private readonly resources: readonly ResourceType[],
    private readonly options: WatchCacheOptions,
  ) {
    this.maxClientFrames = options.maxClientFrames ?? 10_000;
    this.log = options.logger.child({ component: 'watch-cache' });
  }

  /** The revision every change up to which is in the cache. */
  get revision(): number {
    return this.revisionSeen;
  }

  get watcherCount(): number {
    let count = 0;
    for (const cache of this.byPrefix.values()) count += cache.watchers.size;
    return count;
  }

  /**
   * Loads every object, then follows the store. The store's recent history
   * (up to the history capacity, and not older than its compaction) is read
   * first into the event windows, so that a client resuming from a
   * resourceVersion it saw before a restart of the server gets the changes it
   * missed instead of a 410.
   */
  async start(): Promise<void> {
    const listed = await this.store.range({ prefix: REGISTRY });
    const capacity = this.options.historyCapacity ?? 10_000;
    const replayFrom = Math.max(this.store.compactRevision, listed.revision - capacity);
    this.revisionSeen = listed.revision;
    this.replayUntil = listed.revision;
    for (const resource of this.resources) {
      // A legacy version is served from the cache of the resource it is stored as.
      const prefix = storagePrefix(resource);
      const cache = this.byPrefix.get(prefix) ?? new ResourceCache(resource.storage ?? resource, replayFrom, capacity);
      this.byPrefix.set(prefix, cache);
      this.byResource.set(resource, cache);
    }
    for (const kv of listed.kvs) this.cacheOf(kv.key)?.objects.set(kv.key, sharedObject(kv, this.store));
    const replayed = new Promise<void>((resolve) => (this.replayed = resolve));
    if (replayFrom >= listed.revision) this.replayed();
    this.storeWatch = this.store.watch(REGISTRY, { fromRevision: replayFrom, maxBufferedEvents: 1_000_000 });
    this.running = this.follow(this.storeWatch);
    await replayed;
  }

  /** Through this revision the events are history already in `objects`: remembered, not applied. */
  private replayUntil = 0;
  private replayed: () => void = () => undefined;

  private cacheOf(key: string): ResourceCache | undefined {
    // /registry/<group>/<plural>/...: the prefix is the first three segments.
    const end = key.indexOf('/', key.indexOf('/', REGISTRY.length) + 1);
    return end < 0 ? undefined : this.byPrefix.get(key.slice(0, end + 1));
  }

  private async follow(watch: Watch): Promise<void> {
    try {
      for await (const batch of watch) this.applyBatch(batch);
    } catch (error) {
      this.replayed();
      if (error instanceof StoreClosedError) return;
      // Without its feed the cache would silently go stale: end every client's watch and say why.
      this.log.error({ err: error }, 'the store watch feeding the watch cache failed');
      for (const cache of this.byPrefix.values()) for (const w of [...cache.watchers]) w.end(error as Error);
    }
  }

  private applyBatch(batch: readonly WatchEvent[]): void {
    for (const event of batch) {
      const cache = this.cacheOf(event.kv.key);
      if (!cache) continue;
      if (event.kv.modRevision <= this.replayUntil) cache.remember(toCachedEvent(event, this.store));
      else cache.apply(toCachedEvent(event, this.store), event.kv.key);
    }
    const last = batch[batch.length - 1];
    if (last && last.kv.modRevision >= this.replayUntil) this.replayed();
    if (last && last.kv.modRevision > this.revisionSeen) this.revisionSeen = last.kv.modRevision;
    for (const waiter of this.waiters) {
      if (waiter.revision <= this.revisionSeen) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  /** Resolves true once the cache has every change through `revision`, false after `timeoutMs`. */
  waitFor(revision: number, timeoutMs: number): Promise<boolean> {
    if (revision <= this.revisionSeen) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = {
        revision,
        resolve: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        resolve(false);
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Waits until the cache holds everything the store has acknowledged (a consistent read). */
  async waitFresh(timeoutMs = 3_000): Promise<void> {
    const target = this.store.revision;
    if (!(await this.waitFor(target, timeoutMs))) {
      throw timeout(`Too large resource version: ${target}, current: ${this.revisionSeen}`);
    }
  }

  /** One current object as the cache has it (a moment behind the store at most), or undefined. */
  get(resource: ResourceType, key: string): KubeObject | undefined {
    return this.cacheFor(resource).objects.get(key);
  }

  /** The current objects of a resource, in key order, optionally of one namespace. */
  list(resource: ResourceType, namespace?: string): KubeObject[] {
    return [...this.cacheFor(resource).withPrefix(storagePrefix(resource, namespace))];
  }

  /**
   * Starts a client's watch. Synchronous from the snapshot to the
   * registration, so no change falls between the initial events and the live ones.
   */
  async watch(resource: ResourceType, options: StartWatchOptions): Promise<CacheWatcher> {
    const cache = this.cacheFor(resource);
    const from = options.fromRevision;
    if (from !== undefined && from > this.revisionSeen && !(await this.waitFor(from, 3_000))) {
      throw timeout(`Too large resource version: ${from}, current: ${this.revisionSeen}`);
    }
    if (from !== undefined && !options.sendInitialEvents && from < cache.oldestRevision) {
      throw expired(`too old resource version: ${from} (${cache.oldestRevision})`);
    }
    const watcher = new CacheWatcher(options, this.maxClientFrames, (w) => cache.watchers.delete(w));
    if (from === undefined || options.sendInitialEvents) {
      for (const object of this.list(resource, options.namespace)) {
        if (!options.matches || options.matches(object)) watcher.push({ type: 'ADDED', object });
      }
      if (options.sendInitialEvents) watcher.push({ type: 'BOOKMARK', revision: this.revisionSeen, initialEventsEnd: true });
    } else {
      for (const event of cache.history) if (event.revision > from) watcher.offer(event);
    }
    cache.watchers.add(watcher);
    return watcher;
  }

  private cacheFor(resource: ResourceType): ResourceCache {
    const cache = this.byResource.get(resource);
    if (!cache) throw new Error(`the watch cache has no resource ${resource.plural} (not started?)`);
    return cache;
  }

  async stop(): Promise<void> {
    this.storeWatch?.cancel();
    await this.running;
    for (const cache of this.byPrefix.values()) for (const w of [...cache.watchers]) w.end();
    for (const waiter of this.waiters) waiter.resolve();
    this.waiters.clear();
  }
}

/** A store event as the cache keeps it, with the objects this server wrote where it has them (`sharedObject`). */
function toCachedEvent(event: WatchEvent, store: Store): CachedEvent {
  const revision = event.kv.modRevision;
  const previous = event.prevKv ? sharedObject(event.prevKv, store) : undefined;
  if (event.type === 'delete') {
    // As upstream: a deleted object is reported in its last state, at the deleting revision.
    const object = previous ? structuredClone(previous) : { metadata: {} };
    object.metadata!.resourceVersion = String(revision);
    return { type: 'DELETED', object, previous, revision };
  }
  const object = sharedObject(event.kv, store);
  return previous ? { type: 'MODIFIED', object, previous, revision } : { type: 'ADDED', object, revision };
}
