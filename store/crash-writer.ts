// The child of the crash test (crash.test.ts): opens the store in the data
// directory it is given and writes from 16 concurrent loops until it is
// killed. After each acknowledged write it prints one JSON line saying what
// was acknowledged, so the test knows what must survive the SIGKILL.
//
//   node crash-writer.js <dataDir> <round>
//
// Writes: plain puts of single keys, and transactions that put the same
// value under two keys (/pair/<n>/a and /pair/<n>/b) or delete both, so a
// half-applied transaction would show.
import { openStore } from './index.js';

const [dataDir, round] = process.argv.slice(2);
if (!dataDir || !round) {
  process.stderr.write('usage: crash-writer <dataDir> <round>\n');
  process.exit(2);
}

const WRITERS = 16;
const PAIRS = 8;
const encoder = new TextEncoder();

export interface Ack {
  readonly op: 'put' | 'pair' | 'unpair';
  readonly keys: readonly string[];
  readonly value: string;
  readonly revision: number;
}

function report(ack: Ack): void {
  // One write per line: a line is never torn by another, only perhaps by the kill.
  process.stdout.write(JSON.stringify(ack) + '\n');
}

const store = await openStore({ backend: 'level', dataDir, autoCompaction: false });
process.stdout.write(JSON.stringify({ ready: store.revision }) + '\n');

async function writer(id: number): Promise<never> {
  for (let seq = 0; ; seq++) {
    const value = `${round}:${id}:${seq}`;
    const choice = seq % 4;
    if (choice < 2) {
      const key = `/single/${id}/${seq % 5}`;
      const result = await store.txn({ success: [{ type: 'put', key, value: encoder.encode(value) }] });
      report({ op: 'put', keys: [key], value, revision: result.revision });
    } else {
      const pair = `/pair/${(id + seq) % PAIRS}`;
      const keys = [`${pair}/a`, `${pair}/b`];
      if (choice === 2) {
        const bytes = encoder.encode(value);
        const result = await store.txn({ success: keys.map((key) => ({ type: 'put' as const, key, value: bytes })) });
        report({ op: 'pair', keys, value, revision: result.revision });
      } else {
        const result = await store.txn({ success: keys.map((key) => ({ type: 'delete' as const, key })) });
        if (result.results.some((r) => r.type === 'delete' && r.deleted)) report({ op: 'unpair', keys, value: '', revision: result.revision });
      }
    }
  }
}

await Promise.all(Array.from({ length: WRITERS }, (_, id) => writer(id)));
