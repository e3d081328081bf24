// One watch: a bounded queue of event batches between the store, which
// pushes, and a consumer, which iterates. The store never waits for a
// consumer (STYLE.md 9): a consumer that lets more than maxBufferedEvents pile
// up is cut off with WatchOverflowError and must re-list, as etcd's watchable
// store and the Kubernetes watch cache cut off slow watchers.
import { WatchOverflowError } from './errors.js';
import type { Watch, WatchEvent } from './types.js';

export class Watcher implements Watch {
  /** The first revision not yet queued: every change before it was delivered or queued. */
  nextRevision: number;
  private queue: (readonly WatchEvent[])[] = [];
  private queued = 0;
  private endedWith: { readonly error?: Error } | undefined;
  private wakeConsumer: (() => void) | undefined;
  private wakeProducer: (() => void) | undefined;

  constructor(
    readonly prefix: string,
    fromRevision: number,
    readonly maxBufferedEvents: number,
    private readonly onEnd: (watcher: Watcher) => void,
  ) {
    this.nextRevision = fromRevision + 1;
  }

  get ended(): boolean {
    return this.endedWith !== undefined;
  }

  /** Whether a producer catching up from history may push more now. */
  get hasRoom(): boolean {
    return this.queued < this.maxBufferedEvents / 2;
  }

  /** Queues the watched changes of revisions up to `throughRevision`. */
  push(events: readonly WatchEvent[], throughRevision: number): void {
    if (this.endedWith || throughRevision < this.nextRevision) return;
    // A watch from a future revision skips the changes before it.
    if (events.length > 0 && events[0]!.kv.modRevision < this.nextRevision) {
      const from = this.nextRevision;
      events = events.filter((e) => e.kv.modRevision >= from);
    }
    this.nextRevision = throughRevision + 1;
    if (events.length === 0) return;
    this.queue.push(events);
    this.queued += events.length;
    if (this.queued > this.maxBufferedEvents) {
      this.end(new WatchOverflowError(this.prefix, this.maxBufferedEvents));
      return;
    }
    this.wake();
  }

  /** Resolves once the consumer has taken enough to make room, or the watch ended. */
  roomAvailable(): Promise<void> {
    if (this.hasRoom || this.endedWith) return Promise.resolve();
    return new Promise((resolve) => (this.wakeProducer = resolve));
  }

  /** Ends the watch: with an error the consumer's iteration throws it, without one it finishes. */
  end(error?: Error): void {
    if (this.endedWith) return;
    this.endedWith = error ? { error } : {};
    this.queue = [];
    this.queued = 0;
    this.onEnd(this);
    this.wake();
  }

  cancel(): void {
    this.end();
  }

  private wake(): void {
    const consumer = this.wakeConsumer;
    this.wakeConsumer = undefined;
    consumer?.();
    if (this.endedWith) this.wakeProducer?.();
  }

  private take(): readonly WatchEvent[] {
    const batches = this.queue;
    this.queue = [];
    this.queued = 0;
    const producer = this.wakeProducer;
    this.wakeProducer = undefined;
    producer?.();
    return batches.length === 1 ? batches[0]! : batches.flat();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<readonly WatchEvent[]> {
    try {
      for (;;) {
        if (this.endedWith) {
          if (this.endedWith.error) throw this.endedWith.error;
          return;
        }
        if (this.queued > 0) {
          yield this.take();
          continue;
        }
        await new Promise<void>((resolve) => (this.wakeConsumer = resolve));
      }
    } finally {
      // A consumer that breaks out of its loop is done with the watch.
      this.cancel();
    }
  }
}
