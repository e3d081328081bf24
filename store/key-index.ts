// The in-memory key index (etcd server/storage/mvcc/key_index.go): for every
// key, the revisions at which it changed, oldest first; keys kept sorted so a
// prefix is a contiguous run. The index is rebuilt from the change records
// when a store opens.
//
// Invariants:
// - a history's entries are ordered by (modRevision, sub), strictly rising;
// - a live entry's version is the previous live run's length + 1 since its
//   last tombstone, and its createRevision is where that run began;
// - a value is held in memory for the latest entry of a key, and for any entry
//   not yet durable; an older durable entry's value is read from the backend.
import sortedBtree from 'sorted-btree';

// sorted-btree is CommonJS with its class on `default`.
const BTree = sortedBtree.default;

export interface KeyEntry {
  readonly modRevision: number;
  readonly sub: number;
  /** 0 for a tombstone. */
  readonly createRevision: number;
  /** 0 for a tombstone. */
  readonly version: number;
  readonly tombstone: boolean;
  value: Uint8Array | undefined;
}

/** Where a change lives on disk: its (revision, sub). */
export interface ChangeAddress {
  readonly revision: number;
  readonly sub: number;
}

export class KeyHistory {
  readonly entries: KeyEntry[] = [];

  get latest(): KeyEntry | undefined {
    return this.entries[this.entries.length - 1];
  }

  /** The entry in force at `revision`: the last change at or before it. */
  at(revision: number): KeyEntry | undefined {
    const entries = this.entries;
    // Reads are nearly always at or near the latest revision: look from the end.
    for (let i = entries.length - 1; i >= 0; i--) {
      const entry = entries[i]!;
      if (entry.modRevision <= revision) return entry;
    }
    return undefined;
  }

  /** The live entry at `revision`, or undefined when the key did not exist then. */
  liveAt(revision: number): KeyEntry | undefined {
    const entry = this.at(revision);
    return entry && !entry.tombstone ? entry : undefined;
  }

  /** The change just before the one at (revision, sub). */
  before(revision: number, sub: number): KeyEntry | undefined {
    const entries = this.entries;
    for (let i = entries.length - 1; i >= 0; i--) {
      const entry = entries[i]!;
      if (entry.modRevision < revision || (entry.modRevision === revision && entry.sub < sub)) return entry;
    }
    return undefined;
  }
}

export class KeyIndex {
  private readonly tree = new BTree<string, KeyHistory>();

  get size(): number {
    return this.tree.size;
  }

  history(key: string): KeyHistory | undefined {
    return this.tree.get(key);
  }

  /** Appends a change; the caller has ordered it after every change already there. */
  append(key: string, entry: KeyEntry): KeyHistory {
    let history = this.tree.get(key);
    if (history === undefined) {
      history = new KeyHistory();
      this.tree.set(key, history);
    }
    const last = history.latest;
    if (last && (last.modRevision > entry.modRevision || (last.modRevision === entry.modRevision && last.sub >= entry.sub))) {
      throw new Error(`key index: change ${entry.modRevision}/${entry.sub} of "${key}" is not after ${last.modRevision}/${last.sub}`);
    }
    history.entries.push(entry);
    return history;
  }

  /** Every key with the prefix, from `fromKey` on (inclusive), in order. */
  *range(prefix: string, fromKey?: string): Generator<[string, KeyHistory]> {
    const start = fromKey !== undefined && fromKey > prefix ? fromKey : prefix;
    for (const pair of this.tree.entries(start)) {
      if (!pair[0].startsWith(prefix)) return;
      yield pair;
    }
  }

  /**
   * Forgets history before `revision` (etcd keyIndex.compact): each key keeps
   * its last change at or before `revision`, unless that change is a delete,
   * and everything after. Returns the addresses of the changes dropped.
   */
  compact(revision: number): ChangeAddress[] {
    const dropped: ChangeAddress[] = [];
    const emptied: string[] = [];
    this.tree.forEachPair((key, history) => {
      const entries = history.entries;
      let keep = 0;
      while (keep + 1 < entries.length && entries[keep + 1]!.modRevision <= revision) keep++;
      const first = entries[keep]!;
      if (first.modRevision <= revision && first.tombstone) keep++;
      if (keep === 0) return;
      for (const entry of entries.splice(0, keep)) dropped.push({ revision: entry.modRevision, sub: entry.sub });
      if (entries.length === 0) emptied.push(key);
    });
    for (const key of emptied) this.tree.delete(key);
    return dropped;
  }
}
