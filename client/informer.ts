// An informer (client-go's tools/cache shared_informer.go): a reflector keeps
// a local, indexed cache of one resource in step with the server, and event
// handlers hear of every add, update and delete. A re-list (after a 410) is
// compared with the cache, so handlers see what changed while the watch was
// away, deletions included, as DeltaFIFO's Replace reports them.
import type { Logger } from 'pino';
import { systemClock, type Clock, type Timer } from './clock.js';
import { byNamespace, Indexer, NAMESPACE_INDEX, objectKey, type IndexFunc } from './indexer.js';
import { Reflector, type ReflectorOptions } from './reflector.js';
import type { KubeObject, ResourceClient } from './rest.js';
import type { WatchEvent } from './watch.js';

export interface EventHandlers<T extends KubeObject> {
  /** `initialList`: the object came with the informer's first list. */
  onAdd?(object: T, initialList: boolean): void;
  /** Also called with old === new at each resync. */
  onUpdate?(oldObject: T, newObject: T): void;
  /**
   * `finalStateUnknown`: the deletion was found by a re-list, so `object` is the
   * last state the cache saw (client-go's DeletedFinalStateUnknown).
   */
  onDelete?(object: T, finalStateUnknown: boolean): void;
}

/** What to list and watch (selectors, page size), how to wait (clock, backoff): the reflector's options, plus the cache's own. */
export interface InformerOptions<T extends KubeObject> extends ReflectorOptions {
  /** Indexes besides `namespace`, by name: e.g. `{ nodeName: (pod) => [pod.spec?.nodeName ?? ''] }`. */
  readonly indexers?: Readonly<Record<string, IndexFunc<T>>>;
  /** Every so often, every cached object is delivered again to onUpdate; 0: never. */
  readonly resyncPeriodMs?: number;
  readonly logger?: Logger;
}

export const informerDefaults = { resyncPeriodMs: 0 } as const;

export class Informer<T extends KubeObject> {
  readonly indexer: Indexer<T>;
  private readonly handlers = new Set<EventHandlers<T>>();
  private readonly reflector: Reflector<T>;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly resyncPeriodMs: number;
  private resyncTimer: Timer | undefined;
  private running: Promise<void> | undefined;
  private synced = false;
  private stopped = false;
  private syncWaiters: (() => void)[] = [];
  private lastResourceVersion = '';

  constructor(resource: ResourceClient<T>, options: InformerOptions<T> = {}) {
    this.indexer = new Indexer<T>({ [NAMESPACE_INDEX]: byNamespace, ...options.indexers });
    this.clock = options.clock ?? systemClock;
    this.log = (options.logger ?? resource.client.log).child({ informer: resource.path() });
    this.resyncPeriodMs = options.resyncPeriodMs ?? informerDefaults.resyncPeriodMs;
    this.reflector = new Reflector(
      resource,
      { replace: (items, rv) => this.replace(items, rv), apply: (event) => this.apply(event) },
      { ...options, clock: this.clock },
    );
  }

  /**
   * Adds handlers; an informer already running delivers its cached objects to
   * them as adds first, as a SharedInformer does for a late handler. Answers a
   * function that removes them.
   */
  addEventHandler(handlers: EventHandlers<T>): () => void {
    this.handlers.add(handlers);
    for (const object of this.indexer.list()) this.deliver('onAdd', () => handlers.onAdd?.(object, true));
    return () => this.handlers.delete(handlers);
  }

  start(): void {
    if (this.running) return;
    this.running = this.reflector.run();
    this.scheduleResync();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.resyncTimer?.cancel();
    this.reflector.stop();
    await this.running;
    for (const wake of this.syncWaiters.splice(0)) wake();
  }

  /** The first complete list is in the cache. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves true once synced, or false if the informer stops first (client-go's WaitForCacheSync). */
  async waitForSync(): Promise<boolean> {
    if (!this.synced) await new Promise<void>((resolve) => this.syncWaiters.push(resolve));
    return this.synced;
  }

  /** The resourceVersion the cache is at. */
  get resourceVersion(): string {
    return this.lastResourceVersion;
  }

  /** How many complete lists the reflector made (1 + re-lists after 410s). */
  get listCount(): number {
    return this.reflector.listCount;
  }

  /** The cache's object with this `namespace/name` key. */
  get(key: string): T | undefined {
    return this.indexer.get(key);
  }

  list(): T[] {
    return this.indexer.list();
  }

  byIndex(indexName: string, value: string): T[] {
    return this.indexer.byIndex(indexName, value);
  }

  /** A complete list: as DeltaFIFO.Replace, the difference with the cache becomes adds, updates and deletes. */
  private replace(items: T[], resourceVersion: string): void {
    const initialList = !this.synced;
    const listed = new Set<string>();
    for (const object of items) {
      const key = objectKey(object);
      listed.add(key);
      const old = this.indexer.set(object);
      if (!old) this.notify('onAdd', (h) => h.onAdd?.(object, initialList));
      else if (old.metadata?.resourceVersion !== object.metadata?.resourceVersion) this.notify('onUpdate', (h) => h.onUpdate?.(old, object));
    }
    for (const key of this.indexer.keys()) {
      if (listed.has(key)) continue;
      const old = this.indexer.delete(key)!;
      this.notify('onDelete', (h) => h.onDelete?.(old, true));
    }
    this.lastResourceVersion = resourceVersion;
    if (!this.synced) {
      this.synced = true;
      for (const wake of this.syncWaiters.splice(0)) wake();
    }
  }

  private apply(event: WatchEvent<T>): void {
    const object = event.object;
    if (event.type === 'DELETED') {
      const old = this.indexer.delete(objectKey(object));
      if (old) this.notify('onDelete', (h) => h.onDelete?.(object, false));
    } else {
      const old = this.indexer.set(object);
      if (old) this.notify('onUpdate', (h) => h.onUpdate?.(old, object));
      else this.notify('onAdd', (h) => h.onAdd?.(object, false));
    }
    this.lastResourceVersion = object.metadata?.resourceVersion ?? this.lastResourceVersion;
  }

  /** As client-go's resync: every cached object again, to onUpdate with old === new. */
  private scheduleResync(): void {
    if (this.resyncPeriodMs <= 0 || this.stopped) return;
    this.resyncTimer = this.clock.schedule(this.resyncPeriodMs, () => {
      if (this.synced) for (const object of this.indexer.list()) this.notify('onUpdate', (h) => h.onUpdate?.(object, object));
      this.scheduleResync();
    });
  }

  private notify(what: keyof EventHandlers<T>, call: (handlers: EventHandlers<T>) => void): void {
    for (const handlers of this.handlers) this.deliver(what, () => call(handlers));
  }

  /** A handler that throws is logged and does not stop the others or the informer. */
  private deliver(what: keyof EventHandlers<T>, call: () => void): void {
    try {
      call();
    } catch (error) {
      this.log.error({ err: error, handler: what }, 'event handler threw');
    }
  }
}
