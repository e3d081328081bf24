// The watchable part of the store (etcd server/storage/mvcc/watchable_store.go):
// watchers that are caught up ("synced") get each durable commit's events as
// it lands; a watcher starting from an older revision first replays history
// from the backend ("unsynced"), a chunk at a time and only as fast as its
// consumer takes it, then joins the synced set in the same tick as it reaches
// the durable revision, so no commit falls between the two.
import { CompactedError, StoreClosedError } from './errors.js';
import { Watcher } from './watcher.js';
import type { WatchEvent } from './types.js';

/** What the hub needs of the store to replay history. */
export interface HistorySource {
  /** The latest durable revision. */
  readonly revision: number;
  readonly compactRevision: number;
  /** The changes under `prefix` in revisions from..to (inclusive), as watch events with prevKv. */
  historyEvents(prefix: string, fromRevision: number, toRevision: number): Promise<WatchEvent[]>;
}

/** How many revisions a catching-up watcher reads from the backend at a time. */
const REPLAY_REVISIONS = 512;

export class WatchHub {
  private readonly synced = new Set<Watcher>();
  private readonly unsynced = new Set<Watcher>();

  constructor(private readonly source: HistorySource) {}

  get watcherCount(): number {
    return this.synced.size + this.unsynced.size;
  }

  watch(prefix: string, fromRevision: number, maxBufferedEvents: number): Watcher {
    const watcher = new Watcher(prefix, fromRevision, maxBufferedEvents, (w) => {
      this.synced.delete(w);
      this.unsynced.delete(w);
    });
    if (watcher.nextRevision > this.source.revision) {
      this.synced.add(watcher);
    } else {
      this.unsynced.add(watcher);
      void this.replay(watcher);
    }
    return watcher;
  }

  /** Delivers a durable commit's events (all revisions through `revision`) to the synced watchers. */
  notify(events: readonly WatchEvent[], revision: number): void {
    const byPrefix = new Map<string, readonly WatchEvent[]>();
    for (const watcher of this.synced) {
      let matching = byPrefix.get(watcher.prefix);
      if (matching === undefined) {
        const prefix = watcher.prefix;
        matching = prefix === '' ? events : events.filter((e) => e.kv.key.startsWith(prefix));
        byPrefix.set(prefix, matching);
      }
      watcher.push(matching, revision);
    }
  }

  /** Ends every watch, e.g. when the store closes. */
  endAll(error: Error = new StoreClosedError()): void {
    for (const watcher of [...this.synced, ...this.unsynced]) watcher.end(error);
  }

  private async replay(watcher: Watcher): Promise<void> {
    try {
      while (!watcher.ended) {
        const from = watcher.nextRevision;
        if (from > this.source.revision) {
          // Caught up: from now on each commit reaches it through notify().
          this.unsynced.delete(watcher);
          this.synced.add(watcher);
          return;
        }
        this.assertNotCompacted(from);
        if (!watcher.hasRoom) {
          await watcher.roomAvailable();
          continue;
        }
        const to = Math.min(this.source.revision, from + REPLAY_REVISIONS - 1);
        const events = await this.source.historyEvents(watcher.prefix, from, to);
        // A compaction during the read may have taken some of what it returned.
        this.assertNotCompacted(from);
        watcher.push(events, to);
      }
    } catch (error) {
      watcher.end(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private assertNotCompacted(nextRevision: number): void {
    // The changes of revision nextRevision need their previous values, which
    // survive compaction only for changes after the compaction point.
    if (nextRevision <= this.source.compactRevision) {
      throw new CompactedError(nextRevision - 1, this.source.compactRevision);
    }
  }
}
