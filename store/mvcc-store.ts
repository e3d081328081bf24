// The revisioned store (etcd server/storage/mvcc: kvstore.go, kvstore_txn.go).
//
// A transaction is checked, then evaluated and applied to the in-memory key
// index synchronously, in call order, so revisions are assigned without locks.
// Its changes join the pending commit; one commit is written to the backend
// at a time, synced, and every transaction that joined it is acknowledged
// together (group commit). Only then does the durable revision move and the
// watchers see the commit's events.
//
// Invariants:
// - durableRevision <= currentRevision; changes after durableRevision are in
//   the index but in no answer: reads are at durableRevision or older, and a
//   transaction that saw a pending change is answered only once it is durable;
// - compactRevision <= durableRevision;
// - a commit fully on disk or not at all: its changes are one backend batch.
import pino, { type Logger } from 'pino';
import { Backend, type BackendWrite } from './backend.js';
import { autoCompactionTarget, RevisionTimeline } from './compactor.js';
import { CompactedError, FutureRevisionError, StoreClosedError } from './errors.js';
import { KeyIndex, type ChangeAddress, type KeyEntry, type KeyHistory } from './key-index.js';
import { TxnKeyWrites } from './key-writes.js';
import { storeDefaults, systemClock, type AutoCompactionOptions, type Clock, type StoreOptions } from './options.js';
import { encodeRecord } from './record.js';
import { checkKey, checkRange, checkRevision, checkTxn, checkWatch, type Limits } from './validate.js';
import { WatchHub, type HistorySource } from './watch-hub.js';
import type {
  Compare,
  KeyValue,
  RangeOptions,
  RangeResult,
  Store,
  TxnOp,
  TxnOpResult,
  TxnRequest,
  TxnResult,
  Watch,
  WatchEvent,
  WatchOptions,
} from './types.js';

/** Changes evaluated but not yet on disk, acknowledged together once they are. */
interface Commit {
  readonly writes: BackendWrite[];
  readonly events: WatchEvent[];
  readonly written: { history: KeyHistory; entry: KeyEntry }[];
  lastRevision: number;
  readonly durable: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

/** How many record deletions a compaction writes in one backend batch. */
const COMPACTION_CHUNK = 10_000;
const EMPTY = new Uint8Array(0);

function newCommit(): Commit {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const durable = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Nobody may be waiting when a commit fails; the failure is reported through the store.
  durable.catch(() => undefined);
  return { writes: [], events: [], written: [], lastRevision: 0, durable, resolve, reject };
}

function kvOf(key: string, entry: KeyEntry, value: Uint8Array): KeyValue {
  return { key, value, createRevision: entry.createRevision, modRevision: entry.modRevision, version: entry.version };
}

function compareNumbers(actual: number, result: Compare['result'], expected: number): boolean {
  switch (result) {
    case '=':
      return actual === expected;
    case '!=':
      return actual !== expected;
    case '<':
      return actual < expected;
    case '>':
      return actual > expected;
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

export class MvccStore extends TxnKeyWrites implements Store, HistorySource {
  private readonly index = new KeyIndex();
  private readonly hub = new WatchHub(this);
  private readonly limits: Limits;
  readonly maxBufferedEvents: number;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly autoCompaction: AutoCompactionOptions | undefined;
  private readonly timeline: RevisionTimeline;
  private autoCompactionTimer: NodeJS.Timeout | undefined;

  private currentRevision = 0;
  private durableRevision = 0;
  private compacted = 0;
  /** The commit collecting changes, not yet handed to the backend. */
  private pending: Commit | undefined;
  /** The newest commit, pending or being written: what a reader of pending changes waits for. */
  private newest: Commit | undefined;
  private flushing: Promise<void> | undefined;
  private compacting: Promise<void> = Promise.resolve();
  private closedWith: StoreClosedError | undefined;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly backend: Backend,
    options: StoreOptions,
  ) {
    super();
    this.limits = {
      maxKeyBytes: options.maxKeyBytes ?? storeDefaults.maxKeyBytes,
      maxValueBytes: options.maxValueBytes ?? storeDefaults.maxValueBytes,
      maxTxnOps: 128,
    };
    this.maxBufferedEvents = options.maxBufferedEvents ?? storeDefaults.maxBufferedEvents;
    this.clock = options.clock ?? systemClock;
    this.log = (options.logger ?? pino({ level: 'silent' })).child({ component: 'store', backend: options.backend });
    this.autoCompaction = options.autoCompaction === false ? undefined : (options.autoCompaction ?? storeDefaults.autoCompaction);
    this.timeline = new RevisionTimeline(Math.max(1, Math.floor((this.autoCompaction?.retainMs ?? 60_000) / 60)));
  }

  static async open(options: StoreOptions): Promise<MvccStore> {
    const backend = await Backend.open(options.backend, options.dataDir);
    const store = new MvccStore(backend, options);
    try {
      await store.restore();
    } catch (error) {
      await backend.close();
      throw error;
    }
    store.startAutoCompaction();
    return store;
  }

  get revision(): number {
    return this.durableRevision;
  }

  get compactRevision(): number {
    return this.compacted;
  }

  /** How many watches are open (for metrics). */
  get watchCount(): number {
    return this.hub.watcherCount;
  }

  // --- reads -------------------------------------------------------------

  async get(key: string, options?: { readonly revision?: number }): Promise<KeyValue | undefined> {
    this.assertOpen();
    checkKey(key, this.limits);
    const revision = this.readRevision(options?.revision);
    const entry = this.index.history(key)?.liveAt(revision);
    if (!entry) return undefined;
    const [kv] = await this.withValues([[key, entry]], revision);
    return kv;
  }

  async range(options: RangeOptions): Promise<RangeResult> {
    this.assertOpen();
    const limit = checkRange(options, this.limits);
    const revision = this.readRevision(options.revision);
    const found: [string, KeyEntry][] = [];
    let count = 0;
    for (const [key, history] of this.index.range(options.prefix, options.fromKey)) {
      const entry = history.liveAt(revision);
      if (!entry) continue;
      count++;
      if (limit === 0 || found.length < limit) found.push([key, entry]);
    }
    const kvs = await this.withValues(found, revision);
    return { kvs, more: count > kvs.length, count, revision };
  }

  /** The read revision: current when absent or 0, else one still held. */
  private readRevision(revision: number | undefined): number {
    if (revision === undefined || revision === 0) return this.durableRevision;
    checkRevision('a read revision', revision);
    if (revision < this.compacted) throw new CompactedError(revision, this.compacted);
    if (revision > this.durableRevision) throw new FutureRevisionError(revision, this.durableRevision);
    return revision;
  }

  /** KeyValues for index entries, reading from the backend the values not held in memory. */
  private async withValues(found: readonly [string, KeyEntry][], revision: number): Promise<KeyValue[]> {
    // The values in memory are taken now: a commit flushed while the rest are
    // read from disk drops the superseded ones from memory (entry.value).
    const held = found.map(([, entry]) => entry.value);
    const missing: ChangeAddress[] = [];
    found.forEach(([, entry], i) => {
      if (!held[i]) missing.push({ revision: entry.modRevision, sub: entry.sub });
    });
    const fetched = missing.length > 0 ? await this.backend.values(missing) : [];
    let next = 0;
    return found.map(([key, entry], i) => {
      const value = held[i] ?? fetched[next++];
      if (value === undefined) {
        // Only a compaction running meanwhile removes a value a read still needed.
        if (revision < this.compacted) throw new CompactedError(revision, this.compacted);
        throw new Error(`store invariant broken: no value for "${key}" at ${entry.modRevision}/${entry.sub}`);
      }
      return kvOf(key, entry, value);
    });
  }

  // --- writes ------------------------------------------------------------

  async txn(request: TxnRequest): Promise<TxnResult> {
    this.assertOpen();
    checkTxn(request, this.limits);
    const { result, commit } = this.apply(request);
    // Acknowledge nothing a crash could still take back: neither this
    // transaction's changes nor pending ones it looked at.
    const awaited = commit ?? (this.currentRevision > this.durableRevision ? this.newest : undefined);
    if (awaited) await awaited.durable;
    return result;
  }

  /** Evaluates and applies a checked transaction to the index, synchronously. */
  private apply(request: TxnRequest): { result: TxnResult; commit: Commit | undefined } {
    const succeeded = (request.compare ?? []).every((c) => this.compareHolds(c));
    const ops = (succeeded ? request.success : request.failure) ?? [];
    const revision = this.currentRevision + 1;
    let commit: Commit | undefined;
    let sub = 0;
    const results = ops.map((op): TxnOpResult => {
      const history = this.index.history(op.key);
      const prev = history?.latest && !history.latest.tombstone ? history.latest : undefined;
      const prevKv = prev && kvOf(op.key, prev, prev.value!);
      if (op.type === 'get') return { type: 'get', kv: prevKv };
      if (op.type === 'delete' && !prev) return { type: 'delete', deleted: false };
      commit ??= this.joinCommit();
      const change = this.applyChange(commit, op, revision, sub++, prev);
      commit.events.push(prevKv ? { type: change.type, kv: change.kv, prevKv } : { type: change.type, kv: change.kv });
      return change.type === 'put' ? { type: 'put', kv: change.kv, prevKv } : { type: 'delete', deleted: true, prevKv };
    });
    if (commit) {
      this.currentRevision = revision;
      commit.lastRevision = revision;
    }
    return { result: { succeeded, revision: this.currentRevision, results }, commit };
  }

  private applyChange(
    commit: Commit,
    op: TxnOp & { type: 'put' | 'delete' },
    revision: number,
    sub: number,
    prev: KeyEntry | undefined,
  ): { type: 'put' | 'delete'; kv: KeyValue } {
    const tombstone = op.type === 'delete';
    const createRevision = tombstone ? 0 : (prev?.createRevision ?? revision);
    const version = tombstone ? 0 : (prev?.version ?? 0) + 1;
    const bytes = encodeRecord({ key: op.key, tombstone, createRevision, version, value: tombstone ? EMPTY : op.value });
    // The caller's value is kept as it is (Store: values are handed over); the record is
    // only held until its commit is written.
    const value = tombstone ? EMPTY : op.value;
    const entry: KeyEntry = { modRevision: revision, sub, createRevision, version, tombstone, value };
    const history = this.index.history(op.key);
    const superseded = history?.latest;
    if (superseded && superseded.modRevision <= this.durableRevision) superseded.value = undefined;
    commit.written.push({ history: this.index.append(op.key, entry), entry });
    commit.writes.push({ type: 'record', revision, sub, bytes });
    return { type: op.type, kv: kvOf(op.key, entry, value) };
  }

  private compareHolds(compare: Compare): boolean {
    const latest = this.index.history(compare.key)?.latest;
    const live = latest && !latest.tombstone ? latest : undefined;
    if (compare.target === 'value') {
      // As etcd: a value compare on a missing key is false whatever the operator.
      if (!live) return false;
      return compareNumbers(compareBytes(live.value!, compare.value as Uint8Array), compare.result, 0);
    }
    const actual = live ? live[compare.target] : 0;
    return compareNumbers(actual, compare.result, compare.value as number);
  }

  // --- group commit ------------------------------------------------------

  private joinCommit(): Commit {
    if (this.pending) return this.pending;
    const commit = newCommit();
    this.pending = commit;
    this.newest = commit;
    this.flushing ??= this.flushLoop();
    return commit;
  }

  private async flushLoop(): Promise<void> {
    // Let the writers of this tick join the first commit.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.pending) {
      const commit = this.pending;
      this.pending = undefined;
      try {
        await this.backend.write(commit.writes, true);
      } catch (error) {
        this.fail(error, commit);
        break;
      }
      this.durableRevision = commit.lastRevision;
      for (const { history, entry } of commit.written) {
        if (history.latest !== entry) entry.value = undefined;
      }
      this.timeline.observe(this.clock.now(), this.durableRevision);
      this.hub.notify(commit.events, this.durableRevision);
      commit.resolve();
    }
    this.flushing = undefined;
  }

  /** A write to disk failed: the state in memory is ahead of the disk, so the store stops. */
  private fail(error: unknown, commit: Commit): void {
    const reason = error instanceof Error ? error.message : String(error);
    this.log.error({ err: error }, 'store write failed; closing the store');
    this.closedWith = new StoreClosedError(`the store failed writing to disk and closed: ${reason}`);
    commit.reject(this.closedWith);
    this.pending?.reject(this.closedWith);
    this.pending = undefined;
    this.hub.endAll(this.closedWith);
  }

  // --- watch -------------------------------------------------------------

  watch(prefix: string, options?: WatchOptions): Watch {
    this.assertOpen();
    const { fromRevision, maxBufferedEvents } = checkWatch(prefix, options, this, this.limits);
    return this.hub.watch(prefix, fromRevision, maxBufferedEvents);
  }

  async historyEvents(prefix: string, fromRevision: number, toRevision: number): Promise<WatchEvent[]> {
    const records = await this.backend.changes(fromRevision, toRevision);
    const changes = records.filter((r) => r.key.startsWith(prefix));
    // The previous value of each change: in memory if it is its key's latest, else on disk.
    const prevs = changes.map((r) => {
      const prev = this.index.history(r.key)?.before(r.revision, r.sub);
      return prev && !prev.tombstone ? prev : undefined;
    });
    // Taken now, as withValues does: a commit flushed during the read below drops superseded values from memory.
    const held = prevs.map((p) => p?.value);
    const missing = prevs.flatMap((p, i) => (p !== undefined && !held[i] ? [{ revision: p.modRevision, sub: p.sub }] : []));
    const fetched = await this.backend.values(missing);
    let next = 0;
    return changes.map((r, i) => {
      const prev = prevs[i];
      const kv: KeyValue = r.tombstone
        ? { key: r.key, value: EMPTY, createRevision: 0, modRevision: r.revision, version: 0 }
        : { key: r.key, value: r.value, createRevision: r.createRevision, modRevision: r.revision, version: r.version };
      const type = r.tombstone ? 'delete' : 'put';
      if (!prev) return { type, kv };
      // A missing previous value means a compaction ran meanwhile; the hub checks for it.
      const prevValue = held[i] ?? fetched[next++] ?? EMPTY;
      return { type, kv, prevKv: kvOf(r.key, prev, prevValue) };
    });
  }

  // --- compaction --------------------------------------------------------

  async compact(revision: number): Promise<void> {
    this.assertOpen();
    checkRevision('a compaction revision', revision);
    if (revision > this.durableRevision) throw new FutureRevisionError(revision, this.durableRevision);
    if (revision <= this.compacted) throw new CompactedError(revision, this.compacted);
    // Reads and watches see the new compaction point at once; the disk follows.
    this.compacted = revision;
    const dropped = this.index.compact(revision);
    const done = this.compacting.then(() => this.forget(revision, dropped));
    this.compacting = done.catch(() => undefined);
    await done;
  }

  /** Writes a compaction: the point first, then the deletions, so a crash midway is finished on reopen. */
  private async forget(revision: number, dropped: readonly ChangeAddress[]): Promise<void> {
    const writes: BackendWrite[] = [Backend.compactMeta(revision)];
    for (const address of dropped) {
      writes.push({ type: 'forget', address });
      if (writes.length >= COMPACTION_CHUNK) await this.backend.write(writes.splice(0), true);
    }
    if (writes.length > 0) await this.backend.write(writes, true);
    this.log.info({ revision, forgotten: dropped.length }, 'compacted');
  }

  /** One pass of automatic compaction at the clock's time (the timer calls it; tests may too). */
  async runAutoCompaction(): Promise<void> {
    if (!this.autoCompaction || this.closedWith) return;
    const now = this.clock.now();
    const target = autoCompactionTarget(this.autoCompaction, {
      now,
      currentRevision: this.durableRevision,
      compactRevision: this.compacted,
      timeline: this.timeline,
    });
    this.timeline.forgetBefore(now - this.autoCompaction.retainMs);
    if (target !== undefined) await this.compact(target);
  }

  private startAutoCompaction(): void {
    if (!this.autoCompaction) return;
    this.autoCompactionTimer = setInterval(() => {
      this.runAutoCompaction().catch((error: unknown) => this.log.warn({ err: error }, 'automatic compaction failed'));
    }, this.autoCompaction.intervalMs);
    this.autoCompactionTimer.unref();
  }

  // --- lifecycle ---------------------------------------------------------

  /** Rebuilds the index from the change records and finishes an interrupted compaction. */
  private async restore(): Promise<void> {
    let last = 0;
    for await (const records of this.backend.changeChunks(1, Number.MAX_SAFE_INTEGER - 1)) {
      for (const r of records) {
        const superseded = this.index.history(r.key)?.latest;
        if (superseded) superseded.value = undefined;
        this.index.append(r.key, {
          modRevision: r.revision,
          sub: r.sub,
          createRevision: r.createRevision,
          version: r.version,
          tombstone: r.tombstone,
          value: r.tombstone ? EMPTY : r.value,
        });
        last = r.revision;
      }
    }
    this.compacted = await this.backend.compactRevision();
    // A compaction may have forgotten the newest revision's only changes (deletes).
    this.currentRevision = this.durableRevision = Math.max(last, this.compacted);
    this.timeline.observe(this.clock.now(), this.durableRevision);
    if (this.compacted > 0) {
      const leftovers = this.index.compact(this.compacted);
      if (leftovers.length > 0) await this.forget(this.compacted, leftovers);
    }
    this.log.info({ revision: this.durableRevision, compactRevision: this.compacted, keys: this.index.size }, 'store opened');
  }

  private assertOpen(): void {
    if (this.closedWith) throw this.closedWith;
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.closedWith ??= new StoreClosedError();
    clearInterval(this.autoCompactionTimer);
    // Commits already evaluated are written and acknowledged; nothing new is taken.
    await this.flushing;
    await this.compacting;
    this.hub.endAll(this.closedWith);
    await this.backend.close();
    this.log.info({ revision: this.durableRevision }, 'store closed');
  }
}
