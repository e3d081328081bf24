// The child of the crash test (crash.test.ts): opens the store in the data
// directory it is given and writes from 16 concurrent loops until it is
// killed. After each finished operation it prints one JSON line saying what
// was acknowledged, so the test knows what must survive the SIGKILL.
//
//   node crash-writer.js <dataDir> <round>
//
// Each loop mixes the ways the API server writes: unconditional puts,
// create/guarded update/guarded delete of keys only that loop touches, and
// two-key transactions on /pair/<n>/a and /pair/<n>/b (put both, put both if
// a is unchanged, delete both), so a half-applied transaction would show.
// Every written value is `<round>:<writer>:<seq>`, unique, so the test can
// tell which operation a value in the store came from. In every third round
// a compactor compacts behind the writers, so kills also land mid-compaction.
import { openStore, type KeyValue, type MvccStore } from './index.js';

export type AckOp = 'put' | 'create' | 'update' | 'delete' | 'pair' | 'pairUpdate' | 'unpair' | 'noop' | 'compact';

/** One finished operation, as printed: what the store acknowledged. */
export interface Ack {
  /** The loop (0..15), or -1 for the compactor. */
  readonly writer: number;
  /** The loop's operation number: a loop prints every operation, in order, before starting the next. */
  readonly seq: number;
  /** 'noop': a transaction that changed nothing (its guard failed, or it deleted nothing). */
  readonly op: AckOp;
  readonly keys: readonly string[];
  /** The value put ('' for deletes, noops and compactions). */
  readonly value: string;
  /** The revision the write committed at; for a compaction, the revision compacted to. */
  readonly revision: number;
}

const WRITERS = 16;
const PAIRS = 8;
const SINGLES = 5;
const OBJECTS = 3;
/** The compactor runs in every third round (crash.test.ts knows it too). */
const COMPACTION_EVERY = 3;
const COMPACTION_INTERVAL_MS = 40;

const [dataDir, roundArg] = process.argv.slice(2);
if (!dataDir || !roundArg) {
  process.stderr.write('usage: crash-writer <dataDir> <round>\n');
  process.exit(2);
}
const round = Number(roundArg);
const encoder = new TextEncoder();

function report(line: Ack | { readonly ready: number; readonly compactRevision: number }): void {
  // One write per line, and writes to a pipe are synchronous on Linux: a line
  // is never torn by another, only perhaps by the kill, and a loop's line is
  // out before its next operation starts.
  process.stdout.write(JSON.stringify(line) + '\n');
}

const pairKeys = (n: number): [string, string] => [`/pair/${n}/a`, `/pair/${n}/b`];

/** A write loop; the /obj/<id>/ keys are its own, so it knows their state and guards on it. */
async function writer(store: MvccStore, id: number): Promise<never> {
  const objectKeys = Array.from({ length: OBJECTS }, (_, slot) => `/obj/${id}/${slot}`);
  const objects: (KeyValue | undefined)[] = await Promise.all(objectKeys.map((key) => store.get(key)));

  async function objectStep(seq: number, value: string): Promise<Ack> {
    const slot = seq % OBJECTS;
    const key = objectKeys[slot]!;
    const current = objects[slot];
    if (!current) {
      const kv = await store.create(key, encoder.encode(value));
      objects[slot] = kv;
      return { writer: id, seq, op: 'create', keys: [key], value, revision: kv.modRevision };
    }
    if (current.version < 3) {
      const kv = await store.update(key, encoder.encode(value), { expectedModRevision: current.modRevision });
      objects[slot] = kv;
      return { writer: id, seq, op: 'update', keys: [key], value, revision: kv.modRevision };
    }
    const { revision } = await store.delete(key, { expectedModRevision: current.modRevision });
    objects[slot] = undefined;
    return { writer: id, seq, op: 'delete', keys: [key], value: '', revision };
  }

  async function pairStep(seq: number, value: string, kind: 'pair' | 'pairUpdate' | 'unpair'): Promise<Ack> {
    const keys = pairKeys((id + seq) % PAIRS);
    const bytes = encoder.encode(value);
    const puts = keys.map((key) => ({ type: 'put' as const, key, value: bytes }));
    if (kind === 'pair') {
      const result = await store.txn({ success: puts });
      return { writer: id, seq, op: 'pair', keys, value, revision: result.revision };
    }
    if (kind === 'pairUpdate') {
      // Read, then write both only if a has not changed meanwhile: other loops race for the same pairs.
      const a = await store.get(keys[0]);
      const result = await store.txn({ compare: [{ key: keys[0], target: 'modRevision', result: '=', value: a?.modRevision ?? 0 }], success: puts });
      return { writer: id, seq, op: result.succeeded ? 'pairUpdate' : 'noop', keys, value: result.succeeded ? value : '', revision: result.revision };
    }
    const result = await store.txn({ success: keys.map((key) => ({ type: 'delete' as const, key })) });
    const deleted = result.results.some((r) => r.type === 'delete' && r.deleted);
    return { writer: id, seq, op: deleted ? 'unpair' : 'noop', keys, value: '', revision: result.revision };
  }

  for (let seq = 0; ; seq++) {
    const value = `${round}:${id}:${seq}`;
    let ack: Ack;
    switch (seq % 8) {
      case 0:
      case 4: {
        const key = `/single/${id}/${seq % SINGLES}`;
        const result = await store.txn({ success: [{ type: 'put', key, value: encoder.encode(value) }] });
        ack = { writer: id, seq, op: 'put', keys: [key], value, revision: result.revision };
        break;
      }
      case 1:
      case 5:
        ack = await objectStep(seq, value);
        break;
      case 2:
      case 6:
        ack = await pairStep(seq, value, 'pair');
        break;
      case 3:
        ack = await pairStep(seq, value, 'pairUpdate');
        break;
      default:
        ack = await pairStep(seq, value, seq % 24 === 7 ? 'unpair' : 'pairUpdate');
    }
    report(ack);
  }
}

/** Compacts to the revision seen one interval earlier, so it always trails the writers. */
async function compactor(store: MvccStore): Promise<never> {
  let target = store.revision;
  for (let seq = 0; ; seq++) {
    await new Promise((resolve) => setTimeout(resolve, COMPACTION_INTERVAL_MS));
    if (target > store.compactRevision) {
      await store.compact(target);
      report({ writer: -1, seq, op: 'compact', keys: [], value: '', revision: target });
    }
    target = store.revision;
  }
}

const store = await openStore({ backend: 'level', dataDir, autoCompaction: false });
report({ ready: store.revision, compactRevision: store.compactRevision });
const loops = Array.from({ length: WRITERS }, (_, id) => writer(store, id));
if (round % COMPACTION_EVERY === COMPACTION_EVERY - 1) loops.push(compactor(store));
// Only the kill ends this; a failed write (a conflict on a loop's own key, say) exits with its error.
await Promise.all(loops);
