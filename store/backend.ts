// The storage driver under the MVCC layer (kine's Backend, etcd's backend
// package): an ordered byte store with atomic, optionally synced batches.
// LevelDB through `classic-level` by default; `memory-level` for tests runs
// the very same code with nothing on disk.
import { Level } from 'level';
import { MemoryLevel } from 'memory-level';
import {
  decodeRecord,
  decodeRevision,
  encodeRevision,
  metaKey,
  recordKey,
  recordValue,
  revisionStartKey,
  type ChangeRecord,
} from './record.js';
import type { ChangeAddress } from './key-index.js';

/** The part of abstract-level's API the backend uses. */
interface OrderedDb {
  open(): Promise<void>;
  close(): Promise<void>;
  get(key: Uint8Array): Promise<Uint8Array | undefined>;
  getMany(keys: Uint8Array[]): Promise<(Uint8Array | undefined)[]>;
  batch(ops: Array<{ type: 'put'; key: Uint8Array; value: Uint8Array } | { type: 'del'; key: Uint8Array }>, options: { sync: boolean }): Promise<void>;
  iterator(options: { gte: Uint8Array; lt: Uint8Array }): {
    nextv(size: number): Promise<Array<[Uint8Array, Uint8Array]>>;
    close(): Promise<void>;
  };
}

export type BackendWrite =
  | { readonly type: 'record'; readonly revision: number; readonly sub: number; readonly bytes: Uint8Array }
  | { readonly type: 'forget'; readonly address: ChangeAddress }
  | { readonly type: 'meta'; readonly name: string; readonly revision: number };

const COMPACT_META = 'compactRevision';

export class Backend {
  private constructor(private readonly db: OrderedDb) {}

  static async open(kind: 'level' | 'memory', dataDir?: string): Promise<Backend> {
    const options = { keyEncoding: 'view', valueEncoding: 'view' } as const;
    let db: OrderedDb;
    if (kind === 'memory') {
      db = new MemoryLevel<Uint8Array, Uint8Array>(options);
    } else {
      if (!dataDir) throw new Error('the level backend needs a data directory');
      db = new Level<Uint8Array, Uint8Array>(dataDir, options);
    }
    await db.open();
    return new Backend(db);
  }

  /** Writes atomically; with `sync`, returns only once the write is on disk. */
  async write(writes: readonly BackendWrite[], sync: boolean): Promise<void> {
    const ops = writes.map((w) => {
      switch (w.type) {
        case 'record':
          return { type: 'put' as const, key: recordKey(w.revision, w.sub), value: w.bytes };
        case 'forget':
          return { type: 'del' as const, key: recordKey(w.address.revision, w.address.sub) };
        case 'meta':
          return { type: 'put' as const, key: metaKey(w.name), value: encodeRevision(w.revision) };
      }
    });
    await this.db.batch(ops, { sync });
  }

  /** Records the compaction point (in the same atomic write as what it forgets). */
  static compactMeta(revision: number): BackendWrite {
    return { type: 'meta', name: COMPACT_META, revision };
  }

  async compactRevision(): Promise<number> {
    const bytes = await this.db.get(metaKey(COMPACT_META));
    return bytes ? decodeRevision(bytes) : 0;
  }

  /** The values of the given changes, in order (undefined where a change is gone). */
  async values(addresses: readonly ChangeAddress[]): Promise<(Uint8Array | undefined)[]> {
    if (addresses.length === 0) return [];
    const raw = await this.db.getMany(addresses.map((a) => recordKey(a.revision, a.sub)));
    return raw.map((bytes) => (bytes ? recordValue(bytes) : undefined));
  }

  /** The changes of revisions fromRevision..toRevision (inclusive), in order. */
  async changes(fromRevision: number, toRevision: number): Promise<ChangeRecord[]> {
    const records: ChangeRecord[] = [];
    for await (const chunk of this.changeChunks(fromRevision, toRevision)) records.push(...chunk);
    return records;
  }

  /** The changes of revisions fromRevision..toRevision (inclusive), oldest first, a chunk at a time. */
  async *changeChunks(fromRevision: number, toRevision: number, chunk = 1024): AsyncGenerator<ChangeRecord[]> {
    const it = this.db.iterator({ gte: revisionStartKey(fromRevision), lt: revisionStartKey(toRevision + 1) });
    try {
      for (;;) {
        const entries = await it.nextv(chunk);
        if (entries.length === 0) return;
        yield entries.map(([key, value]) => decodeRecord(key, value));
      }
    } finally {
      await it.close();
    }
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
