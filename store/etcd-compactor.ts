// The API server's etcd compactor, as upstream's
// (staging/src/k8s.io/apiserver/pkg/storage/etcd3/compact.go): every
// interval, etcd is compacted to the revision it had one interval before, so
// it keeps the history written in the last interval. Several API servers on
// one etcd take turns by a compare-and-swap on the version of one key,
// `compact_rev_key` at etcd's root (outside any --etcd-prefix, as upstream):
// a server compacts only when that version is the one it saw last; otherwise
// another did, and it takes the new version as its own and waits a round.
import type { Etcd3, IResponseHeader } from 'etcd3';
import type { Logger } from 'pino';

export const COMPACT_REV_KEY = 'compact_rev_key';

/** What one round leaves: the key's version ("compact time") and the revision to compact to next round. */
export interface CompactorState {
  readonly time: number;
  readonly revision: number;
}

/** One round of upstream's compact(): claim the round, then compact to the revision the last round saw. */
export async function compactRound(client: Etcd3, state: CompactorState): Promise<CompactorState & { compacted?: number }> {
  const key = Buffer.from(COMPACT_REV_KEY);
  const answer = await client.kv.txn({
    compare: [{ key, target: 'Version', result: 'Equal', version: state.time }],
    success: [{ request_put: { key, value: Buffer.from(String(state.revision)) } }],
    failure: [{ request_range: { key } }],
  });
  const current = revisionOf(answer.header);
  if (!answer.succeeded) {
    const remote = Number(answer.responses[0]?.response_range?.kvs[0]?.version ?? 0);
    return { time: remote, revision: current };
  }
  // The first round only starts the clock: nothing is compacted at start.
  if (state.revision === 0) return { time: state.time + 1, revision: current };
  await client.kv.compact({ revision: state.revision, physical: true });
  return { time: state.time + 1, revision: current, compacted: state.revision };
}

const revisionOf = (header: Pick<IResponseHeader, 'revision'>): number => Number(header.revision);

/** Runs compactRound every `intervalMs` until stopped; a failed round is logged and the next one tried. */
export class EtcdCompactor {
  private state: CompactorState = { time: 0, revision: 0 };
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly client: Etcd3,
    private readonly intervalMs: number,
    private readonly log: Logger,
    private readonly onCompacted: (revision: number) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.round().finally(() => (this.running = undefined));
    }, this.intervalMs);
    this.timer.unref();
  }

  private async round(): Promise<void> {
    try {
      const next = await compactRound(this.client, this.state);
      this.state = next;
      if (next.compacted !== undefined) {
        this.onCompacted(next.compacted);
        this.log.debug({ revision: next.compacted }, 'etcd compacted');
      }
    } catch (error) {
      this.log.warn({ err: error }, 'etcd compaction failed');
    }
  }

  /** Stops the rounds; resolves once a round under way has ended. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
