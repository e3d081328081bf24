// Store options, typed, with their defaults in one place (STYLE.md 16).
import type { Logger } from 'pino';

/** Time, injected (STYLE.md 12): tests move it by hand. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface AutoCompactionOptions {
  /** Keep at least this many of the latest revisions. */
  readonly retainRevisions: number;
  /** Keep at least the revisions written in this many milliseconds. */
  readonly retainMs: number;
  /** How often to look (milliseconds). */
  readonly intervalMs: number;
}

export interface StoreOptions {
  /** 'level': LevelDB in dataDir (the default backend); 'memory': nothing on disk, for tests. */
  readonly backend: 'level' | 'memory';
  /** The data directory of the LevelDB backend. */
  readonly dataDir?: string;
  /** Largest value accepted, in bytes (etcd's default request limit is 1.5 MiB). */
  readonly maxValueBytes?: number;
  /** Longest key accepted, in bytes. */
  readonly maxKeyBytes?: number;
  /** Default buffer of a watch before a slow consumer is cut off. */
  readonly maxBufferedEvents?: number;
  /** Automatic compaction, or false for none. */
  readonly autoCompaction?: AutoCompactionOptions | false;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

export const storeDefaults = {
  maxValueBytes: 1.5 * 1024 * 1024,
  maxKeyBytes: 3072,
  maxBufferedEvents: 10_000,
  // As the Kubernetes API server asks of etcd every 5 minutes; the revision
  // floor keeps a short burst of history for watchers resuming after a blip.
  autoCompaction: { retainRevisions: 10_000, retainMs: 5 * 60_000, intervalMs: 60_000 },
} as const;

/** A store in a real etcd cluster (DESIGN.md "Distributed mode"). */
export interface EtcdStoreOptions {
  /** Client URLs of the etcd members, e.g. http://127.0.0.1:2379. */
  readonly endpoints: readonly string[];
  /**
   * Put before every key in etcd, so several clusters can share one etcd (as
   * upstream's --etcd-prefix); kubelab's keys never show it. Default: none.
   */
  readonly keyPrefix?: string;
  /**
   * Compact etcd every this many milliseconds to the revision it had one
   * interval before (the API server's --etcd-compaction-interval, upstream's
   * compactor); 0 or absent: this store never compacts by itself.
   */
  readonly compactionIntervalMs?: number;
  /** Longest key accepted, in bytes, without the key prefix. */
  readonly maxKeyBytes?: number;
  /** Largest value accepted, in bytes; etcd's --max-request-bytes must leave room for it and its key. */
  readonly maxValueBytes?: number;
  /** Default buffer of a watch before a slow consumer is cut off. */
  readonly maxBufferedEvents?: number;
  /** How long opening waits for etcd to answer (milliseconds). */
  readonly connectTimeoutMs?: number;
  readonly logger?: Logger;
}

export const etcdStoreDefaults = {
  keyPrefix: '',
  // etcd's --max-request-bytes (1.5 MiB by default) counts the whole request:
  // 4 KiB of it stay for the key and the transaction around the value, so
  // the store refuses a value too large for etcd itself, with ValueTooLargeError.
  maxValueBytes: 1.5 * 1024 * 1024 - 4096,
  connectTimeoutMs: 5_000,
} as const;
