// The controllers' work queue, as client-go's util/workqueue (queue.go,
// delaying_queue.go, rate_limiting_queue.go) in one: keys, not objects, so a
// burst of events for one object is one sync.
//
// Invariants (queue.go): a key is in `dirty` while it waits to be processed;
// it is in `queue` only if it is dirty and not processing; so a key is handed
// to at most one worker at a time, and a key added while it is processing
// goes back into the queue when done() is called for it.
import type { Logger } from 'pino';
import pino from 'pino';
import { systemClock, type Clock, type Timer } from './clock.js';
import { ExponentialRateLimiter, type RateLimiter } from './rate-limiter.js';

export interface WorkQueueOptions<K> {
  readonly clock?: Clock;
  readonly rateLimiter?: RateLimiter<K>;
  readonly logger?: Logger;
}

export class WorkQueue<K = string> {
  private readonly queue: K[] = [];
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  /** Keys waiting for addAfter's time, each with the earliest time asked for. */
  private readonly waiting = new Map<K, { readyAt: number; timer: Timer }>();
  private readonly getters: ((key: K | undefined) => void)[] = [];
  private drained: (() => void)[] = [];
  private shuttingDown = false;
  private readonly clock: Clock;
  private readonly rateLimiter: RateLimiter<K>;
  readonly log: Logger;

  constructor(options: WorkQueueOptions<K> = {}) {
    this.clock = options.clock ?? systemClock;
    this.rateLimiter = options.rateLimiter ?? new ExponentialRateLimiter<K>();
    this.log = options.logger ?? pino({ level: 'silent' });
  }

  /** Keys waiting to be handed out (not those processing or delayed). */
  get length(): number {
    return this.queue.length;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  add(key: K): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    const getter = this.getters.shift();
    if (getter) this.handOut(key, getter);
    else this.queue.push(key);
  }

  /** Adds `key` once `ms` have passed; of several delays asked for one key, the earliest wins. */
  addAfter(key: K, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) return this.add(key);
    const readyAt = this.clock.now() + ms;
    const existing = this.waiting.get(key);
    if (existing && existing.readyAt <= readyAt) return;
    existing?.timer.cancel();
    const timer = this.clock.schedule(ms, () => {
      this.waiting.delete(key);
      this.add(key);
    });
    this.waiting.set(key, { readyAt, timer });
  }

  /** Adds `key` after its rate limiter's backoff: the retry of a failed sync. */
  addRateLimited(key: K): void {
    this.addAfter(key, this.rateLimiter.when(key));
  }

  /** The key's sync succeeded: reset its backoff. */
  forget(key: K): void {
    this.rateLimiter.forget(key);
  }

  numRequeues(key: K): number {
    return this.rateLimiter.numRequeues(key);
  }

  /** The next key to process, waiting for one; undefined once shut down and empty. */
  get(): Promise<K | undefined> {
    return new Promise((resolve) => {
      const key = this.queue.shift();
      if (key !== undefined) this.handOut(key, resolve);
      else if (this.shuttingDown) resolve(undefined);
      else this.getters.push(resolve);
    });
  }

  /** The worker is finished with `key`; if it was added meanwhile, it is queued again. */
  done(key: K): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) {
      const getter = this.getters.shift();
      if (getter) this.handOut(key, getter);
      else this.queue.push(key);
    }
    if (this.processing.size === 0 && this.queue.length === 0) for (const wake of this.drained.splice(0)) wake();
  }

  /** No more adds; workers get what is queued, then undefined (client-go's ShutDown). */
  shutDown(): void {
    this.shuttingDown = true;
    for (const { timer } of this.waiting.values()) timer.cancel();
    this.waiting.clear();
    for (const getter of this.getters.splice(0)) getter(undefined);
  }

  /** Shuts down, then resolves once every queued and processing key is done (client-go's ShutDownWithDrain). */
  async shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.processing.size > 0 || this.queue.length > 0) await new Promise<void>((resolve) => this.drained.push(resolve));
  }

  private handOut(key: K, to: (key: K) => void): void {
    this.dirty.delete(key);
    this.processing.add(key);
    to(key);
  }
}

/**
 * One worker (client-go's processNextWorkItem loop, as every upstream
 * controller writes it): sync each key; success forgets its backoff, failure
 * re-adds it rate-limited. Resolves when the queue shuts down.
 */
export async function runWorker<K>(queue: WorkQueue<K>, sync: (key: K) => Promise<void>): Promise<void> {
  for (;;) {
    const key = await queue.get();
    if (key === undefined) return;
    try {
      await sync(key);
      queue.forget(key);
    } catch (error) {
      queue.log.warn({ err: error, key, requeues: queue.numRequeues(key) }, 'sync failed, retrying with backoff');
      queue.addRateLimited(key);
    } finally {
      queue.done(key);
    }
  }
}
