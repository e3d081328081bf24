// One kubelab watch as one etcd watch stream (etcd api/v3rpc/watch.go, the
// client side as clientv3's watchGrpcStream): created from fromRevision + 1
// with prevKv; each response's events are split by revision and queued on a
// Watcher, the same bounded queue the embedded store uses (a slow consumer
// is cut off with WatchOverflowError). A stream that breaks (a member went
// away) is opened again from the first revision not yet queued, so no change
// is lost or repeated; a compacted start ends the watch with CompactedError.
import type { IDuplexStream, IWatchRequest, IWatchResponse, WatchClient } from 'etcd3';
import type { Logger } from 'pino';
import { CompactedError } from './errors.js';
import type { EtcdKeys } from './etcd-keys.js';
import type { WatchEvent } from './types.js';
import type { Watcher } from './watcher.js';

/** What a watch stream tells its store. */
export interface WatchStreamSink {
  /** Every response's header revision: the store's revision moves with it. */
  observeRevision(revision: number): void;
  /** etcd said history before this revision is gone. */
  observeCompaction(compactRevision: number): void;
  isOpen(): boolean;
}

const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 2_000;

export class EtcdWatchStream {
  private stream: IDuplexStream<IWatchRequest, IWatchResponse> | undefined;
  private retryMs = RETRY_FIRST_MS;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: WatchClient,
    private readonly keys: EtcdKeys,
    private readonly watcher: Watcher,
    private readonly sink: WatchStreamSink,
    private readonly log: Logger,
  ) {}

  start(): void {
    void this.connect();
  }

  stop(): void {
    clearTimeout(this.retryTimer);
    const stream = this.stream;
    this.stream = undefined;
    // Its listeners stay, to swallow the cancellation's error; they ignore a stream not current.
    stream?.cancel();
  }

  private async connect(): Promise<void> {
    let stream: IDuplexStream<IWatchRequest, IWatchResponse>;
    try {
      stream = await this.client.watch();
    } catch (error) {
      this.retry(error);
      return;
    }
    if (this.watcher.ended || !this.sink.isOpen()) {
      stream.on('error', () => undefined);
      stream.cancel();
      return;
    }
    this.stream = stream;
    stream.on('data', (response: IWatchResponse) => {
      if (stream === this.stream) this.receive(response);
    });
    stream.on('error', (error: Error) => this.broken(stream, error));
    stream.on('end', () => this.broken(stream, new Error('the etcd watch stream ended')));
    stream.write({
      create_request: { ...this.keys.range(this.watcher.prefix), start_revision: this.watcher.nextRevision, prev_kv: true },
    });
  }

  private receive(response: IWatchResponse): void {
    this.retryMs = RETRY_FIRST_MS;
    if (response.header) this.sink.observeRevision(Number(response.header.revision));
    const compactRevision = Number(response.compact_revision ?? 0);
    if (response.canceled || compactRevision > 0) {
      if (compactRevision > 0) {
        this.sink.observeCompaction(compactRevision);
        this.watcher.end(new CompactedError(this.watcher.nextRevision - 1, compactRevision));
      } else {
        this.log.warn({ reason: response.cancel_reason }, 'etcd cancelled a watch; opening it again');
        this.broken(this.stream, new Error(response.cancel_reason));
      }
      return;
    }
    let batch: WatchEvent[] = [];
    for (const event of response.events ?? []) {
      const kv = this.keys.keyValue(event.kv);
      const last = batch[batch.length - 1];
      if (last && last.kv.modRevision !== kv.modRevision) {
        this.watcher.push(batch, last.kv.modRevision);
        batch = [];
      }
      const type = event.type === 'Delete' ? 'delete' : 'put';
      batch.push(event.prev_kv ? { type, kv, prevKv: this.keys.keyValue(event.prev_kv) } : { type, kv });
    }
    const last = batch[batch.length - 1];
    if (last) this.watcher.push(batch, last.kv.modRevision);
  }

  private broken(stream: IDuplexStream<IWatchRequest, IWatchResponse> | undefined, error: unknown): void {
    if (stream !== this.stream) return;
    this.stop();
    this.retry(error);
  }

  private retry(error: unknown): void {
    if (this.watcher.ended || !this.sink.isOpen()) return;
    this.log.warn({ err: error, prefix: this.watcher.prefix, fromRevision: this.watcher.nextRevision }, 'etcd watch broke; resuming');
    this.retryTimer = setTimeout(() => void this.connect(), this.retryMs);
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
  }
}
