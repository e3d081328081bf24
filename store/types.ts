// The Store contract: etcd v3's model and vocabulary (DESIGN.md "Store semantics").
//
// One global revision, bumped once per committed write transaction. Every key
// carries createRevision (the revision that created its current incarnation),
// modRevision (the revision of its last change) and version (changes since
// creation, 1 on create). A key that does not exist compares as version 0,
// createRevision 0, modRevision 0, as in etcd.
//
// Reads see only what is durable: a read at the current revision never shows a
// write that a crash could still lose.

/** A key's value at one revision (etcd mvccpb.KeyValue). */
export interface KeyValue {
  readonly key: string;
  readonly value: Uint8Array;
  readonly createRevision: number;
  readonly modRevision: number;
  readonly version: number;
}

/** What a compare looks at (etcd's Compare.target). */
export type CompareTarget = 'version' | 'createRevision' | 'modRevision' | 'value';

/** A guard of a transaction (etcd's Compare): `target(key) result value`. */
export interface Compare {
  readonly key: string;
  readonly target: CompareTarget;
  readonly result: '=' | '!=' | '<' | '>';
  /** A number for version and revisions, bytes for value. */
  readonly value: number | Uint8Array;
}

export type TxnOp =
  | { readonly type: 'put'; readonly key: string; readonly value: Uint8Array }
  | { readonly type: 'delete'; readonly key: string }
  | { readonly type: 'get'; readonly key: string };

export type TxnOpResult =
  | { readonly type: 'put'; readonly kv: KeyValue; readonly prevKv?: KeyValue }
  | { readonly type: 'delete'; readonly deleted: boolean; readonly prevKv?: KeyValue }
  | { readonly type: 'get'; readonly kv?: KeyValue };

/**
 * An atomic transaction (etcd's Txn): if every compare holds, the success ops
 * run, else the failure ops, all at one revision. A transaction that changes
 * nothing does not bump the revision.
 */
export interface TxnRequest {
  readonly compare?: readonly Compare[];
  readonly success?: readonly TxnOp[];
  readonly failure?: readonly TxnOp[];
}

export interface TxnResult {
  readonly succeeded: boolean;
  /** The revision the transaction committed at, or the current one if it changed nothing. */
  readonly revision: number;
  readonly results: readonly TxnOpResult[];
}

export interface RangeOptions {
  /** Every key starting with this prefix ('' is every key). */
  readonly prefix: string;
  /** Start at this key (inclusive) instead of the prefix's first: the continuation point. */
  readonly fromKey?: string;
  /** At most this many keys (0 or absent: no limit). */
  readonly limit?: number;
  /** Read at this revision instead of the current one; fails if compacted or in the future. */
  readonly revision?: number;
}

export interface RangeResult {
  readonly kvs: readonly KeyValue[];
  /** More keys match after the last one returned (the limit cut the answer). */
  readonly more: boolean;
  /** How many keys match from the start key on, ignoring the limit. */
  readonly count: number;
  /** The revision the range was read at. */
  readonly revision: number;
}

/** One change seen by a watch (etcd mvccpb.Event), always with the previous value. */
export interface WatchEvent {
  readonly type: 'put' | 'delete';
  /** For a delete: the key, modRevision = the deleting revision, empty value, version 0. */
  readonly kv: KeyValue;
  /** The key's value before this change, absent when the change created the key. */
  readonly prevKv?: KeyValue;
}

export interface WatchOptions {
  /** Deliver every change after this revision (default: the current one, so only new changes). */
  readonly fromRevision?: number;
  /** End the watch with WatchOverflowError when more events than this wait undelivered. */
  readonly maxBufferedEvents?: number;
}

/**
 * A watch on a key prefix. Iterating yields batches of events in revision
 * order, with no gap and no duplicate. The iteration ends when the watch is
 * cancelled; it throws CompactedError if the history it needs was compacted,
 * WatchOverflowError if the consumer fell behind past the buffer, and
 * StoreClosedError when the store closes.
 */
export interface Watch extends AsyncIterable<readonly WatchEvent[]> {
  readonly prefix: string;
  /** Stop the watch; a pending iteration ends normally. */
  cancel(): void;
}

/**
 * Values are handed over, not copied: a value given to a write is the one
 * later reads and watch events return (the same Uint8Array, until it is read
 * back from disk), so the caller must not change its bytes afterwards. This
 * lets a layer above recognise its own writes in the watch stream.
 */
export interface Store {
  /** The latest durable revision. */
  readonly revision: number;
  /** History before this revision is gone (0: nothing compacted). */
  readonly compactRevision: number;

  get(key: string, options?: { readonly revision?: number }): Promise<KeyValue | undefined>;
  range(options: RangeOptions): Promise<RangeResult>;
  /** Creates the key; KeyExistsError if it exists. */
  create(key: string, value: Uint8Array): Promise<KeyValue>;
  /**
   * Replaces an existing key's value; KeyNotFoundError if it does not exist,
   * ConflictError if expectedModRevision is given and differs.
   */
  update(key: string, value: Uint8Array, options?: { readonly expectedModRevision?: number }): Promise<KeyValue>;
  /** Deletes the key; KeyNotFoundError or ConflictError as update. Returns the deleted value. */
  delete(key: string, options?: { readonly expectedModRevision?: number }): Promise<{ readonly revision: number; readonly prevKv: KeyValue }>;
  txn(request: TxnRequest): Promise<TxnResult>;
  watch(prefix: string, options?: WatchOptions): Watch;
  /** Forget history before `revision`; the state at `revision` stays readable. */
  compact(revision: number): Promise<void>;
  /** Waits for pending writes, ends every watch, releases the data directory. */
  close(): Promise<void>;
}
