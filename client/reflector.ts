// List, then watch from the list's resourceVersion, for ever (client-go's
// tools/cache/reflector.go ListAndWatch): a watch that the server cannot
// resume (410 Expired) makes it list again; any other failure waits with
// backoff and tries again. The watch itself reconnects across server restarts.
import type { Logger } from 'pino';
import { Backoff, type BackoffOptions } from './backoff.js';
import { sleep, systemClock, type Clock } from './clock.js';
import { isExpired } from './errors.js';
import type { KubeObject, ResourceClient } from './rest.js';
import { ResourceWatch, type WatchEvent, type WatchObserver } from './watch.js';

/** Where a reflector delivers what it learns (client-go's DeltaFIFO; here the informer). */
export interface ReflectorSink<T extends KubeObject> {
  /** A complete list: the whole truth at `resourceVersion`. */
  replace(items: T[], resourceVersion: string): void;
  /** One change from the watch (never a BOOKMARK). */
  apply(event: WatchEvent<T>): void;
}

/** A watch observer that also hears of each complete list, which every watch session after it starts from. */
export interface ListWatchObserver extends WatchObserver {
  /** A complete list (the first, or a re-list after a 410): the state at `resourceVersion`. */
  onList?(resourceVersion: string, items: readonly KubeObject[]): void;
}

export interface ReflectorOptions {
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Objects a list asks for per page (client-go's pager: 500). */
  readonly pageSize?: number;
  readonly clock?: Clock;
  readonly backoff?: Partial<BackoffOptions>;
  readonly maxBufferedEvents?: number;
  /** Hears each list and what each watch connection receives (see WatchObserver). */
  readonly observer?: ListWatchObserver;
}

export const reflectorDefaults = { pageSize: 500 } as const;

export class Reflector<T extends KubeObject> {
  private readonly clock: Clock;
  private readonly backoff: Backoff;
  private readonly log: Logger;
  private readonly abort = new AbortController();
  private watch: ResourceWatch<T> | undefined;
  private lists = 0;

  constructor(
    private readonly resource: ResourceClient<T>,
    private readonly sink: ReflectorSink<T>,
    private readonly options: ReflectorOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.backoff = new Backoff(options.backoff);
    this.log = resource.client.log.child({ reflector: resource.path() });
  }

  /** How many complete lists were made: 1, plus one for each re-list. */
  get listCount(): number {
    return this.lists;
  }

  /** Lists and watches until stop(). */
  async run(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      try {
        const resourceVersion = await this.list();
        if (signal.aborted) break;
        this.backoff.reset();
        this.watch = new ResourceWatch(this.resource, {
          resourceVersion,
          labelSelector: this.options.labelSelector,
          fieldSelector: this.options.fieldSelector,
          clock: this.clock,
          backoff: this.options.backoff,
          maxBufferedEvents: this.options.maxBufferedEvents,
          observer: this.options.observer,
        });
        for await (const event of this.watch) {
          if (event.type !== 'BOOKMARK') this.sink.apply(event);
        }
      } catch (error) {
        if (signal.aborted) break;
        if (isExpired(error)) {
          this.log.info({ err: error }, 'watch expired, listing again');
          continue;
        }
        const delay = this.backoff.next();
        this.log.warn({ err: error, delay }, 'list and watch failed, retrying');
        await sleep(this.clock, delay, signal);
      }
    }
  }

  stop(): void {
    this.abort.abort();
    this.watch?.stop();
  }

  private observeList(resourceVersion: string, items: readonly T[]): void {
    try {
      this.options.observer?.onList?.(resourceVersion, items);
    } catch (error) {
      this.log.warn({ err: error }, 'list observer threw');
    }
  }

  /** Every page of the list, then one replace: answers the list's resourceVersion. */
  private async list(): Promise<string> {
    const items: T[] = [];
    let token: string | undefined;
    let resourceVersion = '';
    do {
      const page = await this.resource.list({
        labelSelector: this.options.labelSelector,
        fieldSelector: this.options.fieldSelector,
        limit: this.options.pageSize ?? reflectorDefaults.pageSize,
        continue: token,
      });
      if (this.abort.signal.aborted) return resourceVersion;
      items.push(...page.items);
      token = page.metadata.continue || undefined;
      // A paginated list is consistent at its first page's resourceVersion.
      resourceVersion ||= page.metadata.resourceVersion ?? '';
    } while (token);
    this.lists++;
    this.observeList(resourceVersion, items);
    this.sink.replace(items, resourceVersion);
    return resourceVersion;
  }
}
