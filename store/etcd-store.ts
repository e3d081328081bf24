// The Store over a real etcd cluster (DESIGN.md "Distributed mode"): every
// operation is one etcd request, and revisions are etcd's own, so several
// API servers on one etcd agree on every resourceVersion. What etcd keeps
// (durability, group commit, MVCC, compaction) etcd does; this file maps
// our operations and errors onto its API, as upstream's storage/etcd3 does.
//
// Differences from the embedded store, by necessity:
// - values read back are new buffers (only a put's own answer keeps the
//   caller's bytes), so a layer above recognises its own writes by key and
//   modRevision, not by identity;
// - `revision` moves with every response header and with a watch on the key
//   prefix kept open for it; a write by another client is seen once it arrives;
// - `compactRevision` is found at open (a binary search over reads) and
//   follows our compactions and what etcd's answers tell of others'.
import { Etcd3, type ICompare, type IRequestOp, type IResponseHeader, type IResponseOp } from 'etcd3';
import pino, { type Logger } from 'pino';
import { EtcdCompactor } from './etcd-compactor.js';
import { CompactedError, FutureRevisionError, StoreClosedError, StoreUnavailableError } from './errors.js';
import { asBuffer, EtcdKeys } from './etcd-keys.js';
import { EtcdWatchStream } from './etcd-watch.js';
import { TxnKeyWrites } from './key-writes.js';
import { etcdStoreDefaults, storeDefaults, type EtcdStoreOptions } from './options.js';
import { checkKey, checkRange, checkRevision, checkTxn, checkWatch, type Limits } from './validate.js';
import { Watcher } from './watcher.js';
import type { Compare, KeyValue, RangeOptions, RangeResult, Store, TxnOp, TxnOpResult, TxnRequest, TxnResult, Watch, WatchOptions } from './types.js';

const TARGETS = { version: 'Version', createRevision: 'Create', modRevision: 'Mod', value: 'Value' } as const;
const RESULTS = { '=': 'Equal', '!=': 'NotEqual', '<': 'Less', '>': 'Greater' } as const;
const COMPARED_FIELD = { version: 'version', createRevision: 'create_revision', modRevision: 'mod_revision' } as const;

export class EtcdStore extends TxnKeyWrites implements Store {
  private readonly keys: EtcdKeys;
  private readonly limits: Limits;
  readonly maxBufferedEvents: number;
  private readonly log: Logger;
  private readonly streams = new Map<Watcher, EtcdWatchStream>();
  private current = 0;
  private compacted = 0;
  private closedWith: StoreClosedError | undefined;
  private revisionWatch: Watch | undefined;
  private compactor: EtcdCompactor | undefined;

  private constructor(
    private readonly client: Etcd3,
    private readonly endpoints: readonly string[],
    options: EtcdStoreOptions,
  ) {
    super();
    this.keys = new EtcdKeys(options.keyPrefix ?? etcdStoreDefaults.keyPrefix);
    this.limits = {
      maxKeyBytes: options.maxKeyBytes ?? storeDefaults.maxKeyBytes,
      maxValueBytes: options.maxValueBytes ?? etcdStoreDefaults.maxValueBytes,
      maxTxnOps: 128,
    };
    this.maxBufferedEvents = options.maxBufferedEvents ?? storeDefaults.maxBufferedEvents;
    this.log = (options.logger ?? pino({ level: 'silent' })).child({ component: 'store', backend: 'etcd' });
  }

  /** Connects to etcd; StoreUnavailableError when no endpoint is given or none answers in time. */
  static async open(options: EtcdStoreOptions): Promise<EtcdStore> {
    const endpoints = options.endpoints.map((e) => e.trim()).filter((e) => e.length > 0);
    if (endpoints.length === 0) throw new StoreUnavailableError('no etcd endpoints given (e.g. http://127.0.0.1:2379)');
    const timeoutMs = options.connectTimeoutMs ?? etcdStoreDefaults.connectTimeoutMs;
    const client = new Etcd3({ hosts: [...endpoints], dialTimeout: timeoutMs });
    const store = new EtcdStore(client, endpoints, options);
    try {
      const answer = await client.kv.range({ ...store.keys.range(''), count_only: true }, { deadline: Date.now() + timeoutMs });
      store.observe(answer.header);
      store.compacted = await store.findCompactRevision();
    } catch (error) {
      client.close();
      const reason = error instanceof Error ? error.message : String(error);
      throw new StoreUnavailableError(`etcd at ${endpoints.join(',')} is unreachable or did not answer within ${timeoutMs} ms: ${reason}`);
    }
    store.followRevision();
    if (options.compactionIntervalMs) {
      store.compactor = new EtcdCompactor(client, options.compactionIntervalMs, store.log, (revision) => (store.compacted = Math.max(store.compacted, revision)));
      store.compactor.start();
    }
    store.log.info({ endpoints, revision: store.current, compactRevision: store.compacted, compactionIntervalMs: options.compactionIntervalMs ?? 0 }, 'store opened on etcd');
    return store;
  }

  get revision(): number {
    return this.current;
  }

  get compactRevision(): number {
    return this.compacted;
  }

  /** How many watches are open, the revision's own not counted (for metrics). */
  get watchCount(): number {
    return this.streams.size - (this.revisionWatch ? 1 : 0);
  }

  // --- reads -------------------------------------------------------------

  async get(key: string, options?: { readonly revision?: number }): Promise<KeyValue | undefined> {
    this.assertOpen();
    checkKey(key, this.limits);
    const revision = options?.revision ?? 0;
    checkRevision('a read revision', revision);
    const answer = await this.call(() => this.client.kv.range({ key: this.keys.key(key), revision }), revision);
    const [kv] = answer.kvs;
    return kv && this.keys.keyValue(kv);
  }

  async range(options: RangeOptions): Promise<RangeResult> {
    this.assertOpen();
    const limit = checkRange(options, this.limits);
    const revision = options.revision ?? 0;
    checkRevision('a read revision', revision);
    const range = this.keys.range(options.prefix, options.fromKey);
    const answer = await this.call(() => this.client.kv.range({ ...range, limit, revision }), revision);
    return {
      kvs: answer.kvs.map((kv) => this.keys.keyValue(kv)),
      more: answer.more,
      count: Number(answer.count),
      revision: revision === 0 ? Number(answer.header.revision) : revision,
    };
  }

  // --- writes ------------------------------------------------------------

  async txn(request: TxnRequest): Promise<TxnResult> {
    this.assertOpen();
    checkTxn(request, this.limits);
    const answer = await this.call(() =>
      this.client.kv.txn({
        compare: (request.compare ?? []).map((c) => this.etcdCompare(c)),
        success: (request.success ?? []).map((op) => this.etcdOp(op)),
        failure: (request.failure ?? []).map((op) => this.etcdOp(op)),
      }),
    );
    const revision = Number(answer.header.revision);
    const ops = (answer.succeeded ? request.success : request.failure) ?? [];
    const results = ops.map((op, i) => this.opResult(op, answer.responses[i]!, revision));
    return { succeeded: answer.succeeded, revision, results };
  }

  private etcdCompare(compare: Compare): ICompare {
    const key = this.keys.key(compare.key);
    const target = TARGETS[compare.target];
    const result = RESULTS[compare.result];
    if (compare.target === 'value') return { key, target, result, value: asBuffer(compare.value as Uint8Array) };
    return { key, target, result, [COMPARED_FIELD[compare.target]]: compare.value as number };
  }

  private etcdOp(op: TxnOp): IRequestOp {
    const key = this.keys.key(op.key);
    if (op.type === 'put') return { request_put: { key, value: asBuffer(op.value), prev_kv: true } };
    if (op.type === 'delete') return { request_delete_range: { key, prev_kv: true } };
    return { request_range: { key } };
  }

  /**
   * Our result of one op. etcd answers a put with the previous value only; the
   * new one is the caller's bytes at the transaction's revision, its version
   * and createRevision following from the previous one.
   */
  private opResult(op: TxnOp, response: IResponseOp, revision: number): TxnOpResult {
    if (op.type === 'get') {
      const [kv] = response.response_range.kvs;
      return kv ? { type: 'get', kv: this.keys.keyValue(kv) } : { type: 'get' };
    }
    if (op.type === 'delete') {
      const [prev] = response.response_delete_range.prev_kvs ?? [];
      return prev ? { type: 'delete', deleted: true, prevKv: this.keys.keyValue(prev) } : { type: 'delete', deleted: false };
    }
    const prev = response.response_put.prev_kv;
    const prevKv = prev ? this.keys.keyValue(prev) : undefined;
    const kv: KeyValue = {
      key: op.key,
      value: op.value,
      createRevision: prevKv?.createRevision ?? revision,
      modRevision: revision,
      version: (prevKv?.version ?? 0) + 1,
    };
    return prevKv ? { type: 'put', kv, prevKv } : { type: 'put', kv };
  }

  // --- watch -------------------------------------------------------------

  watch(prefix: string, options?: WatchOptions): Watch {
    this.assertOpen();
    const { fromRevision, maxBufferedEvents } = checkWatch(prefix, options, this, this.limits);
    const watcher = new Watcher(prefix, fromRevision, maxBufferedEvents, (w) => {
      this.streams.get(w)?.stop();
      this.streams.delete(w);
    });
    const sink = {
      observeRevision: (revision: number) => this.observe({ revision: String(revision) }),
      observeCompaction: (revision: number) => (this.compacted = Math.max(this.compacted, revision)),
      isOpen: () => this.closedWith === undefined,
    };
    const stream = new EtcdWatchStream(this.client.watchClient, this.keys, watcher, sink, this.log);
    this.streams.set(watcher, stream);
    stream.start();
    return watcher;
  }

  /** Keeps `revision` current with writes of other clients under our prefix (the events themselves are dropped). */
  private followRevision(): void {
    const watch = this.watch('', { maxBufferedEvents: Number.MAX_SAFE_INTEGER });
    this.revisionWatch = watch;
    void (async () => {
      try {
        for await (const _events of watch) {
          // observed through the response headers
        }
      } catch (error) {
        if (!this.closedWith) this.log.warn({ err: error }, 'the revision watch ended; the revision moves with answers only');
      }
    })();
  }

  // --- compaction --------------------------------------------------------

  async compact(revision: number): Promise<void> {
    this.assertOpen();
    checkRevision('a compaction revision', revision);
    if (revision <= this.compacted) throw new CompactedError(revision, this.compacted);
    // physical: answer once the history is gone, as the embedded store does.
    const answer = await this.call(() => this.client.kv.compact({ revision, physical: true }), revision);
    this.observe(answer.header);
    this.compacted = Math.max(this.compacted, revision);
  }

  /** The oldest revision still readable, by a binary search over reads (etcd tells it no other way). */
  private async findCompactRevision(): Promise<number> {
    const readable = async (revision: number): Promise<boolean> => {
      try {
        await this.client.kv.range({ key: this.keys.key('/'), revision, count_only: true });
        return true;
      } catch (error) {
        if (isCompacted(error)) return false;
        throw error;
      }
    };
    if (this.current <= 1 || (await readable(1))) return 0;
    let [unreadable, oldest] = [1, this.current];
    while (oldest - unreadable > 1) {
      const middle = Math.floor((unreadable + oldest) / 2);
      if (await readable(middle)) oldest = middle;
      else unreadable = middle;
    }
    return oldest;
  }

  // --- plumbing ----------------------------------------------------------

  private observe(header: Pick<IResponseHeader, 'revision'> | undefined): void {
    const revision = Number(header?.revision ?? 0);
    if (revision > this.current) this.current = revision;
  }

  /** One etcd request, its header observed and its errors ours. */
  private async call<T extends { header: IResponseHeader }>(request: () => Promise<T>, revision = 0): Promise<T> {
    let answer: T;
    try {
      answer = await request();
    } catch (error) {
      throw this.storeError(error, revision);
    }
    this.observe(answer.header);
    return answer;
  }

  private storeError(error: unknown, revision: number): Error {
    const message = error instanceof Error ? error.message : String(error);
    if (isCompacted(error)) {
      // etcd does not say up to where; at least past the revision asked for.
      this.compacted = Math.max(this.compacted, revision + 1);
      return new CompactedError(revision, this.compacted);
    }
    if (message.includes('required revision is a future revision')) return new FutureRevisionError(revision, this.current);
    if (this.closedWith) return this.closedWith;
    if (/unavailable|connect|deadline|no connection|timed out/i.test(message) || (error as { name?: string }).name?.startsWith('GRPC')) {
      return new StoreUnavailableError(`etcd at ${this.endpoints.join(',')}: ${message}`);
    }
    return error instanceof Error ? error : new Error(message);
  }

  private assertOpen(): void {
    if (this.closedWith) throw this.closedWith;
  }

  /** Ends every watch and disconnects; requests already sent are answered or fail. */
  async close(): Promise<void> {
    if (this.closedWith) return;
    this.closedWith = new StoreClosedError();
    for (const watcher of [...this.streams.keys()]) watcher.end(this.closedWith);
    await this.compactor?.stop();
    this.client.close();
    this.log.info({ revision: this.current }, 'store closed');
  }
}

function isCompacted(error: unknown): boolean {
  return error instanceof Error && error.message.includes('required revision has been compacted');
}
