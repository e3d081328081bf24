// Input checks, done before anything is evaluated so that a rejected request
// changes nothing (a transaction is checked whole, then applied).
import { CompactedError, InvalidKeyError, InvalidRevisionError, InvalidTxnError, ValueTooLargeError } from './errors.js';
import type { Compare, RangeOptions, TxnOp, TxnRequest, WatchOptions } from './types.js';

export interface Limits {
  readonly maxKeyBytes: number;
  readonly maxValueBytes: number;
  /** etcd's --max-txn-ops default. */
  readonly maxTxnOps: number;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

export function checkKey(key: unknown, limits: Limits): asserts key is string {
  if (typeof key !== 'string') throw new InvalidKeyError(`a key must be a string, not ${typeof key}`);
  if (key.length === 0) throw new InvalidKeyError('a key must not be empty');
  if (key.length > limits.maxKeyBytes) {
    throw new InvalidKeyError(`key of ${key.length} bytes is longer than the limit of ${limits.maxKeyBytes} bytes`);
  }
  if (!PRINTABLE_ASCII.test(key)) throw new InvalidKeyError(`key ${JSON.stringify(key)} has characters other than printable ASCII`);
}

/** A range or watch prefix: any string up to the key limit ('' is every key). */
export function checkPrefix(prefix: unknown, limits: Limits): asserts prefix is string {
  if (typeof prefix !== 'string') throw new InvalidKeyError(`a prefix must be a string, not ${typeof prefix}`);
  if (prefix.length > limits.maxKeyBytes) {
    throw new InvalidKeyError(`prefix of ${prefix.length} bytes is longer than the limit of ${limits.maxKeyBytes} bytes`);
  }
}

export function checkValue(key: string, value: unknown, limits: Limits): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new InvalidTxnError(`the value of key "${key}" must be bytes (a Uint8Array)`);
  if (value.byteLength > limits.maxValueBytes) throw new ValueTooLargeError(key, value.byteLength, limits.maxValueBytes);
}

export function checkRevision(what: string, revision: unknown): asserts revision is number {
  if (typeof revision !== 'number' || !Number.isSafeInteger(revision) || revision < 0) {
    throw new InvalidRevisionError(what, revision);
  }
}

export function checkLimit(limit: unknown): asserts limit is number {
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 0) {
    throw new InvalidTxnError(`a range limit must be a whole number of 0 or more, not ${String(limit)}`);
  }
}

const TARGETS = new Set(['version', 'createRevision', 'modRevision', 'value']);
const RESULTS = new Set(['=', '!=', '<', '>']);

function checkCompare(compare: Compare, limits: Limits): void {
  checkKey(compare.key, limits);
  if (!TARGETS.has(compare.target)) throw new InvalidTxnError(`unknown compare target ${JSON.stringify(compare.target)}`);
  if (!RESULTS.has(compare.result)) throw new InvalidTxnError(`unknown compare result ${JSON.stringify(compare.result)}`);
  if (compare.target === 'value') {
    if (!(compare.value instanceof Uint8Array)) throw new InvalidTxnError(`a value compare of key "${compare.key}" needs bytes`);
  } else if (typeof compare.value !== 'number' || !Number.isSafeInteger(compare.value)) {
    throw new InvalidTxnError(`a ${compare.target} compare of key "${compare.key}" needs a whole number`);
  }
}

function checkOps(ops: readonly TxnOp[], branch: string, limits: Limits): void {
  if (!Array.isArray(ops)) throw new InvalidTxnError(`the ${branch} ops must be a list`);
  const written = new Set<string>();
  for (const op of ops as readonly TxnOp[]) {
    if (op === null || typeof op !== 'object') throw new InvalidTxnError(`an op of the ${branch} branch is not an object`);
    checkKey(op.key, limits);
    if (op.type === 'get') continue;
    if (op.type === 'put') checkValue(op.key, op.value, limits);
    else if (op.type !== 'delete') throw new InvalidTxnError(`unknown op type ${JSON.stringify((op as { type: unknown }).type)}`);
    // As etcd: "duplicate key given in txn request".
    if (written.has(op.key)) throw new InvalidTxnError(`duplicate key "${op.key}" given in txn request`);
    written.add(op.key);
  }
}

export function checkTxn(request: TxnRequest, limits: Limits): void {
  if (request === null || typeof request !== 'object') throw new InvalidTxnError('a transaction must be an object');
  const compare = request.compare ?? [];
  const success = request.success ?? [];
  const failure = request.failure ?? [];
  if (!Array.isArray(compare)) throw new InvalidTxnError('the compares must be a list');
  for (const part of [compare, success, failure]) {
    if (Array.isArray(part) && part.length > limits.maxTxnOps) {
      throw new InvalidTxnError(`too many operations in txn request (${part.length}, the limit is ${limits.maxTxnOps})`);
    }
  }
  for (const c of compare as readonly Compare[]) {
    if (c === null || typeof c !== 'object') throw new InvalidTxnError('a compare is not an object');
    checkCompare(c, limits);
  }
  checkOps(success, 'success', limits);
  checkOps(failure, 'failure', limits);
}

/** A range's prefix, start key and limit, checked; answers the limit (0: none). */
export function checkRange(options: RangeOptions, limits: Limits): number {
  checkPrefix(options.prefix, limits);
  if (options.fromKey !== undefined) checkPrefix(options.fromKey, limits);
  const limit = options.limit ?? 0;
  checkLimit(limit);
  return limit;
}

/** A watch's prefix, start and buffer, checked against the store's revisions; CompactedError for a compacted start. */
export function checkWatch(
  prefix: string,
  options: WatchOptions | undefined,
  store: { readonly revision: number; readonly compactRevision: number; readonly maxBufferedEvents: number },
  limits: Limits,
): { fromRevision: number; maxBufferedEvents: number } {
  checkPrefix(prefix, limits);
  const fromRevision = options?.fromRevision ?? store.revision;
  checkRevision('a watch revision', fromRevision);
  if (fromRevision < store.compactRevision) throw new CompactedError(fromRevision, store.compactRevision);
  const maxBufferedEvents = options?.maxBufferedEvents ?? store.maxBufferedEvents;
  checkLimit(maxBufferedEvents);
  return { fromRevision, maxBufferedEvents };
}
