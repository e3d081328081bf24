// Crash test: a child process writes to the store from 16 loops and reports
// every acknowledged write; it is killed with SIGKILL at a random moment, 24
// times over one data directory. After each kill the store is reopened and
// must hold every acknowledged write, with no gap in its revisions and no
// transaction half applied.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import type { Ack } from './crash-writer.js';
import { openStore, type MvccStore, type WatchEvent } from './index.js';
import { removeDir, tempDir, text } from './test-support.js';

const ROUNDS = 24;
const writerPath = fileURLToPath(new URL('./crash-writer.js', import.meta.url));

interface Round {
  readonly acks: Ack[];
  /** The revision the child found when it opened the store. */
  readonly openedAt: number;
  /** The child was still running when it was killed (the kill landed mid-write). */
  readonly killedRunning: boolean;
}

/** Runs the writer until `killAfterMs` after its first acknowledgement, then SIGKILLs it. */
function runAndKill(dataDir: string, round: number, killAfterMs: number): Promise<Round> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writerPath, dataDir, String(round)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acks: Ack[] = [];
    let openedAt = -1;
    let stderr = '';
    let killedRunning = false;
    let timer: NodeJS.Timeout | undefined;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    createInterface({ input: child.stdout }).on('line', (line) => {
      let parsed: (Ack & { ready?: undefined }) | { ready: number };
      try {
        parsed = JSON.parse(line) as typeof parsed;
      } catch {
        return; // the last line, torn by the kill: not an acknowledgement the test relies on
      }
      if ('ready' in parsed && parsed.ready !== undefined) {
        openedAt = parsed.ready;
        return;
      }
      acks.push(parsed);
      timer ??= setTimeout(() => {
        killedRunning = child.exitCode === null;
        child.kill('SIGKILL');
      }, killAfterMs);
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`the writer exited by itself (code ${code}): ${stderr}`));
      else resolve({ acks, openedAt, killedRunning });
    });
  });
}

/** Every event from `fromRevision` (exclusive) through the store's revision. */
async function eventsAfter(store: MvccStore, fromRevision: number): Promise<WatchEvent[]> {
  const events: WatchEvent[] = [];
  if (store.revision <= fromRevision) return events;
  for await (const batch of store.watch('', { fromRevision })) {
    events.push(...batch);
    if (batch[batch.length - 1]!.kv.modRevision >= store.revision) break;
  }
  return events;
}

/** Revisions from..to with no gap, and each pair transaction whole. */
function checkHistory(events: readonly WatchEvent[], from: number, to: number): void {
  const byRevision = new Map<number, WatchEvent[]>();
  for (const e of events) byRevision.set(e.kv.modRevision, [...(byRevision.get(e.kv.modRevision) ?? []), e]);
  for (let revision = from + 1; revision <= to; revision++) {
    const changes = byRevision.get(revision);
    assert.ok(changes && changes.length > 0, `revision ${revision} has no change: a gap`);
    const pairs = changes.filter((e) => e.kv.key.startsWith('/pair/'));
    for (const e of pairs) {
      const other = e.kv.key.endsWith('/a') ? e.kv.key.slice(0, -1) + 'b' : e.kv.key.slice(0, -1) + 'a';
      const partner = pairs.find((p) => p.kv.key === other);
      assert.ok(partner, `revision ${revision} changed ${e.kv.key} without ${other}: half a transaction`);
      assert.equal(partner.type, e.type);
      assert.equal(text(partner.kv.value), text(e.kv.value));
    }
  }
  assert.equal(byRevision.size, to - from, 'no event beyond the store revision');
}

test('a writer killed with SIGKILL 24 times loses no acknowledged write and leaves no half transaction', { timeout: 180_000 }, async () => {
  const dataDir = await tempDir();
  let lastRevision = 0;
  let totalAcks = 0;
  let killsMidWrite = 0;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const outcome = await runAndKill(dataDir, round, 20 + Math.floor(Math.random() * 200));
      assert.equal(outcome.openedAt, lastRevision, `round ${round}: the child reopened at the revision the last check saw`);
      if (outcome.killedRunning) killsMidWrite++;
      totalAcks += outcome.acks.length;

      const store = await openStore({ backend: 'level', dataDir, autoCompaction: false });
      try {
        const highest = Math.max(lastRevision, ...outcome.acks.map((a) => a.revision));
        assert.ok(store.revision >= highest, `round ${round}: revision ${store.revision} is behind the acknowledged ${highest}`);
        for (const ack of outcome.acks) {
          for (const key of ack.keys) {
            const kv = await store.get(key, { revision: ack.revision });
            if (ack.op === 'unpair') {
              assert.equal(kv, undefined, `round ${round}: acknowledged delete of ${key} at ${ack.revision} is undone`);
            } else {
              assert.ok(kv, `round ${round}: acknowledged write of ${key} at ${ack.revision} is lost`);
              assert.equal(text(kv.value), ack.value);
              assert.equal(kv.modRevision, ack.revision);
            }
          }
        }
        checkHistory(await eventsAfter(store, lastRevision), lastRevision, store.revision);
        const pairs = await store.range({ prefix: '/pair/' });
        for (const kv of pairs.kvs.filter((k) => k.key.endsWith('/a'))) {
          const b = await store.get(kv.key.slice(0, -1) + 'b');
          assert.equal(b && text(b.value), text(kv.value), `${kv.key} and its partner differ`);
        }
        assert.equal(pairs.count % 2, 0, 'pair keys come in twos');
        lastRevision = store.revision;
      } finally {
        await store.close();
      }
    }
    // The whole history, once more, from the first revision.
    const store = await openStore({ backend: 'level', dataDir, autoCompaction: false });
    try {
      checkHistory(await eventsAfter(store, 0), 0, store.revision);
      assert.equal(store.revision, lastRevision);
    } finally {
      await store.close();
    }
    assert.ok(totalAcks > ROUNDS * 10, `only ${totalAcks} acknowledged writes in ${ROUNDS} rounds`);
    assert.ok(killsMidWrite >= ROUNDS - 2, `only ${killsMidWrite} of ${ROUNDS} kills hit a running writer`);
  } finally {
    await removeDir(dataDir);
  }
});
