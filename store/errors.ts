// Typed store errors (STYLE.md 8): thrown where the problem is found, mapped
// to Kubernetes Status once, at the API server's edge. Messages follow etcd's
// where etcd has one.
import type { KeyValue } from './types.js';

export type StoreErrorCode =
  | 'InvalidKey'
  | 'ValueTooLarge'
  | 'InvalidRevision'
  | 'InvalidTxn'
  | 'KeyExists'
  | 'KeyNotFound'
  | 'Conflict'
  | 'Compacted'
  | 'FutureRevision'
  | 'WatchOverflow'
  | 'StoreClosed'
  | 'StoreUnavailable';

export abstract class StoreError extends Error {
  abstract readonly code: StoreErrorCode;
  override get name(): string {
    return this.constructor.name;
  }
}

export class InvalidKeyError extends StoreError {
  readonly code = 'InvalidKey';
}

export class ValueTooLargeError extends StoreError {
  readonly code = 'ValueTooLarge';
  constructor(
    readonly key: string,
    readonly bytes: number,
    readonly maxBytes: number,
  ) {
    super(`value of key "${key}" is ${bytes} bytes, more than the limit of ${maxBytes} bytes`);
  }
}

export class InvalidRevisionError extends StoreError {
  readonly code = 'InvalidRevision';
  constructor(
    readonly what: string,
    readonly revision: unknown,
  ) {
    super(`${what} must be a whole number of 0 or more, not ${String(revision)}`);
  }
}

export class InvalidTxnError extends StoreError {
  readonly code = 'InvalidTxn';
}

export class KeyExistsError extends StoreError {
  readonly code = 'KeyExists';
  constructor(
    readonly key: string,
    readonly current: KeyValue,
  ) {
    super(`key "${key}" already exists`);
  }
}

export class KeyNotFoundError extends StoreError {
  readonly code = 'KeyNotFound';
  constructor(readonly key: string) {
    super(`key "${key}" not found`);
  }
}

/** A guarded update or delete found another modRevision than expected. */
export class ConflictError extends StoreError {
  readonly code = 'Conflict';
  constructor(
    readonly key: string,
    readonly expectedModRevision: number,
    readonly current: KeyValue,
  ) {
    super(`key "${key}" was modified at revision ${current.modRevision}, expected ${expectedModRevision}`);
  }
}

/** The revision asked for is older than the compaction point (the API's 410 Gone). */
export class CompactedError extends StoreError {
  readonly code = 'Compacted';
  constructor(
    readonly revision: number,
    readonly compactRevision: number,
  ) {
    super(`mvcc: required revision ${revision} has been compacted (compacted up to ${compactRevision})`);
  }
}

export class FutureRevisionError extends StoreError {
  readonly code = 'FutureRevision';
  constructor(
    readonly revision: number,
    readonly currentRevision: number,
  ) {
    super(`mvcc: required revision ${revision} is a future revision (current is ${currentRevision})`);
  }
}

/** A watcher fell behind by more events than its buffer holds and was ended. */
export class WatchOverflowError extends StoreError {
  readonly code = 'WatchOverflow';
  constructor(
    readonly prefix: string,
    readonly maxBufferedEvents: number,
  ) {
    super(`watch on "${prefix}" ended: the consumer fell more than ${maxBufferedEvents} events behind`);
  }
}

export class StoreClosedError extends StoreError {
  readonly code = 'StoreClosed';
  constructor(reason = 'the store is closed') {
    super(reason);
  }
}

/** The store's server (etcd) cannot be reached or did not answer in time; the operation may be retried. */
export class StoreUnavailableError extends StoreError {
  readonly code = 'StoreUnavailable';
}
