// Crash test: a child process (crash-writer.ts) writes to the store from 16
// loops and prints every acknowledged write; it is killed with SIGKILL at a
// random moment, 24 times over one data directory. After each kill the store
// is reopened and must hold every acknowledged write, have no gap in its
// revisions, and show no transaction half applied. Every third round the
// child also compacts, so some kills land during a compaction.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import type { Ack } from './crash-writer.js';
import { openStore, type KeyValue, type MvccStore, type WatchEvent } from './index.js';
import { removeDir, tempDir, text } from './test-support.js';

const ROUNDS = 24;
/** As crash-writer.ts: its compactor runs in rounds 2, 5, 8, ... */
const COMPACTION_EVERY = 3;
/** The kill lands this long after the child's first acknowledgement. */
const KILL_AFTER_MS = { min: 50, max: 400 };
/** A child that acknowledges nothing for this long is killed and the test fails. */
const FIRST_ACK_TIMEOUT_MS = 20_000;
const writerPath = fileURLToPath(new URL('./crash-writer.js', import.meta.url));

const isCompactionRound = (round: number): boolean => round % COMPACTION_EVERY === COMPACTION_EVERY - 1;

interface Outcome {
  /** Every acknowledgement the child printed (a last line torn by the kill is dropped). */
  readonly acks: readonly Ack[];
  /** The revision and compaction point the child found when it opened the store. */
  readonly openedAt: { readonly revision: number; readonly compactRevision: number };
  /** The child was still running when it was killed. */
  readonly killedRunning: boolean;
  /** How long before the kill the last acknowledgement arrived: small means writes were flowing. */
  readonly lastAckAgeMs: number;
}

/** Runs the writer until `killAfterMs` after its first acknowledgement, then SIGKILLs it by its pid. */
async function runAndKill(dataDir: string, round: number, killAfterMs: number, children: Set<ChildProcess>): Promise<Outcome> {
  const child = spawn(process.execPath, [writerPath, dataDir, String(round)], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const lines: string[] = [];
  let killedAt: number | undefined;
  let killedRunning = false;
  let lastAckAt = 0;
  let killTimer: NodeJS.Timeout | undefined;
  const kill = (): void => {
    if (killedAt !== undefined) return;
    killedAt = Date.now();
    killedRunning = child.exitCode === null && child.signalCode === null;
    child.kill('SIGKILL');
  };
  const watchdog = setTimeout(kill, FIRST_ACK_TIMEOUT_MS);
  const input = createInterface({ input: child.stdout });
  const inputClosed = once(input, 'close');
  input.on('line', (line) => {
    lines.push(line);
    // Line 0 says the child opened the store; line 1 is its first acknowledgement.
    if (lines.length < 2 || killedAt !== undefined) return;
    lastAckAt = Date.now();
    killTimer ??= setTimeout(kill, killAfterMs);
  });
  try {
    // 'close', not 'exit': every line the child wrote before dying is read by then.
    const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
    await inputClosed;
    if (signal !== 'SIGKILL' || killedAt === undefined) throw new Error(`the writer exited by itself (code ${code}, signal ${signal}): ${stderr}`);
    if (lines.length < 2) throw new Error(`the writer acknowledged nothing in ${FIRST_ACK_TIMEOUT_MS} ms: ${stderr}`);
  } finally {
    clearTimeout(watchdog);
    clearTimeout(killTimer);
    children.delete(child);
  }
  const ready = JSON.parse(lines[0]!) as { ready: number; compactRevision: number };
  const acks: Ack[] = [];
  lines.slice(1).forEach((line, i) => {
    try {
      acks.push(JSON.parse(line) as Ack);
    } catch (error) {
      // Only the last line may be torn, by the kill; it acknowledged nothing the writer relied on.
      if (i !== lines.length - 2) throw new Error(`line ${i + 1} of the writer is not JSON: ${line}`, { cause: error });
    }
  });
  return { acks, openedAt: { revision: ready.ready, compactRevision: ready.compactRevision }, killedRunning, lastAckAgeMs: killedAt - lastAckAt };
}

/** Every event after `fromRevision` through the store's revision, read with a watch from history. */
async function eventsAfter(store: MvccStore, fromRevision: number): Promise<WatchEvent[]> {
  const events: WatchEvent[] = [];
  const to = store.revision;
  if (to <= fromRevision) return events;
  const watch = store.watch('', { fromRevision });
  try {
    for await (const batch of watch) {
      events.push(...batch);
      if (batch[batch.length - 1]!.kv.modRevision >= to) break;
    }
  } finally {
    watch.cancel();
  }
  return events;
}

const describeKv = (kv: KeyValue | undefined): string =>
  kv ? `${text(kv.value)} mod ${kv.modRevision} create ${kv.createRevision} version ${kv.version}` : 'absent';

/** The write a value came from: `<round>:<writer>:<seq>`. */
function writeOf(value: string): { round: number; writer: number; seq: number } {
  const match = /^(\d+):(\d+):(\d+)$/.exec(value);
  assert.ok(match, `"${value}" is not a writer's value`);
  return { round: Number(match[1]), writer: Number(match[2]), seq: Number(match[3]) };
}

interface History {
  /** Where each write (`writer:seq`, from the value it put) landed. */
  readonly writtenAt: Map<string, number>;
  /** Every delete, as `revision key`. */
  readonly deletes: Set<string>;
  /** The state the history leaves. */
  readonly state: Map<string, KeyValue>;
}

/**
 * The history (from, to]: every revision has changes (no gap, none beyond),
 * each revision is one whole write (a /pair/ transaction shows both its keys
 * with one value, any other write one key), each put's value comes from the
 * round that owned that revision and from one revision only, and each
 * event's prevKv is what the history before it left.
 */
function checkHistory(
  events: readonly WatchEvent[],
  from: number,
  to: number,
  start: ReadonlyMap<string, KeyValue>,
  roundOf: (revision: number) => number,
): History {
  const byRevision = new Map<number, WatchEvent[]>();
  for (const e of events) byRevision.set(e.kv.modRevision, [...(byRevision.get(e.kv.modRevision) ?? []), e]);
  const state = new Map(start);
  const writtenAt = new Map<string, number>();
  const deletes = new Set<string>();
  let previous = from;
  for (const e of events) {
    assert.ok(e.kv.modRevision >= previous && e.kv.modRevision > from, `event at ${e.kv.modRevision} out of order after ${previous}`);
    previous = e.kv.modRevision;
  }
  for (let revision = from + 1; revision <= to; revision++) {
    const changes = byRevision.get(revision);
    assert.ok(changes && changes.length > 0, `revision ${revision} has no change: a gap in ${from}..${to}`);
    const keys = changes.map((e) => e.kv.key);
    assert.equal(new Set(keys).size, keys.length, `revision ${revision} changes a key twice: ${keys.join(', ')}`);
    const pair = /^\/pair\/(\d+)\/[ab]$/.exec(keys[0]!);
    if (pair) {
      const n = pair[1]!;
      assert.deepEqual([...keys].sort(), [`/pair/${n}/a`, `/pair/${n}/b`], `revision ${revision} is half a transaction: ${keys.join(', ')}`);
      assert.equal(changes[0]!.type, changes[1]!.type, `revision ${revision} put one key of pair ${n} and deleted the other`);
      assert.equal(text(changes[0]!.kv.value), text(changes[1]!.kv.value), `revision ${revision} gave pair ${n} two values`);
    } else {
      assert.equal(changes.length, 1, `revision ${revision} holds several writes: ${keys.join(', ')}`);
    }
    for (const e of changes) {
      const before = state.get(e.kv.key);
      assert.equal(describeKv(e.prevKv), describeKv(before), `revision ${revision}: prevKv of ${e.kv.key}`);
      if (e.type === 'delete') {
        assert.ok(before, `revision ${revision} deletes ${e.kv.key}, which did not exist`);
        state.delete(e.kv.key);
        deletes.add(`${revision} ${e.kv.key}`);
      } else {
        assert.equal(e.kv.version, (before?.version ?? 0) + 1, `revision ${revision}: version of ${e.kv.key}`);
        assert.equal(e.kv.createRevision, before?.createRevision ?? revision, `revision ${revision}: createRevision of ${e.kv.key}`);
        state.set(e.kv.key, e.kv);
      }
    }
    const put = changes.find((e) => e.type === 'put');
    if (put) {
      const write = writeOf(text(put.kv.value));
      assert.equal(write.round, roundOf(revision), `revision ${revision} holds "${text(put.kv.value)}", a value of another round`);
      const id = `${write.round}:${write.writer}:${write.seq}`;
      assert.equal(writtenAt.get(id), undefined, `the write "${text(put.kv.value)}" landed twice: at ${writtenAt.get(id)} and ${revision}`);
      writtenAt.set(id, revision);
    }
  }
  assert.equal(byRevision.size, to - from, `events beyond revision ${to}`);
  return { writtenAt, deletes, state };
}

/** The whole state at `revision` (0: the empty store, before the first write). */
async function stateAt(store: MvccStore, revision: number): Promise<Map<string, KeyValue>> {
  if (revision === 0) return new Map();
  const { kvs } = await store.range({ prefix: '', revision });
  return new Map(kvs.map((kv) => [kv.key, kv]));
}

function assertSameState(actual: ReadonlyMap<string, KeyValue>, expected: ReadonlyMap<string, KeyValue>, what: string): void {
  const show = (state: ReadonlyMap<string, KeyValue>): string[] => [...state.values()].map((kv) => `${kv.key}: ${describeKv(kv)}`).sort();
  assert.deepEqual(show(actual), show(expected), what);
}

/** Each acknowledged write is where it was acknowledged, or (compacted) not undone by the state at the compaction point. */
async function checkAcks(store: MvccStore, acks: readonly Ack[], history: History, historyFrom: number, round: number): Promise<void> {
  const compacted = store.compactRevision;
  for (const ack of acks) {
    const what = `${ack.op} #${ack.writer}:${ack.seq} of ${ack.keys.join(' and ')} at ${ack.revision}`;
    assert.ok(ack.revision <= store.revision, `acknowledged ${what} is beyond the store revision ${store.revision}`);
    if (ack.op === 'noop' || ack.op === 'compact') continue;
    const deletes = ack.op === 'delete' || ack.op === 'unpair';
    for (const key of ack.keys) {
      if (ack.revision >= compacted) {
        const kv = await store.get(key, { revision: ack.revision });
        if (deletes) {
          assert.equal(kv, undefined, `acknowledged ${what} is undone: ${describeKv(kv)}`);
          continue;
        }
        assert.ok(kv, `acknowledged ${what} is lost`);
        assert.equal(text(kv.value), ack.value, `acknowledged ${what} reads back another value`);
        assert.equal(kv.modRevision, ack.revision, `acknowledged ${what} reads back at another modRevision`);
        if (ack.op === 'create') assert.deepEqual([kv.createRevision, kv.version], [ack.revision, 1], `acknowledged ${what}`);
        if (ack.op === 'update') assert.ok(kv.createRevision < ack.revision && kv.version > 1, `acknowledged ${what} shows as a create`);
      } else {
        // Its history is compacted: the state at the compaction point must not predate it.
        const kv = await store.get(key, { revision: compacted });
        // Absent is fine: a later delete, or this one, whose evidence the compaction forgot.
        const kept = kv === undefined || kv.modRevision > ack.revision || (kv.modRevision === ack.revision && !deletes && text(kv.value) === ack.value);
        assert.ok(kept, `acknowledged ${what} is undone at the compaction point ${compacted}: ${describeKv(kv)}`);
      }
    }
    if (ack.revision <= historyFrom) continue;
    if (deletes) {
      for (const key of ack.keys) assert.ok(history.deletes.has(`${ack.revision} ${key}`), `acknowledged ${what} is not in the history at its revision`);
    } else {
      assert.equal(history.writtenAt.get(`${round}:${ack.writer}:${ack.seq}`), ack.revision, `acknowledged ${what} is not in the history at its revision`);
    }
  }
}

/**
 * Writes that landed but were not acknowledged: a loop prints each operation
 * before starting the next, so only its one operation in flight at the kill,
 * the one after its last printed, may have landed unreported.
 */
function checkUnacknowledged(acks: readonly Ack[], writtenAt: ReadonlyMap<string, number>, round: number): number {
  const lastSeq = new Map<number, number>();
  const acked = new Set<string>();
  for (const ack of acks) {
    lastSeq.set(ack.writer, Math.max(lastSeq.get(ack.writer) ?? -1, ack.seq));
    acked.add(`${round}:${ack.writer}:${ack.seq}`);
  }
  let landed = 0;
  for (const [id, revision] of writtenAt) {
    if (acked.has(id)) continue;
    const [writeRound, writer, seq] = id.split(':').map(Number) as [number, number, number];
    assert.equal(writeRound, round, `the write ${id} at ${revision} belongs to another round`);
    assert.equal(seq, (lastSeq.get(writer) ?? -1) + 1, `the write ${id} at ${revision} was never started, or its acknowledgement was lost`);
    landed++;
  }
  return landed;
}

/** Pairs are both there with one value, or both gone. */
function checkPairs(state: ReadonlyMap<string, KeyValue>): void {
  for (const [key, kv] of state) {
    if (!key.startsWith('/pair/')) continue;
    const partner = state.get(key.endsWith('/a') ? key.slice(0, -1) + 'b' : key.slice(0, -1) + 'a');
    assert.equal(partner && text(partner.value), text(kv.value), `${key} and its partner differ`);
  }
}

test('a writer killed with SIGKILL 24 times loses no acknowledged write and leaves no half transaction', { timeout: 90_000 }, async (t) => {
  const children = new Set<ChildProcess>();
  // Whatever happens, no writer outlives the test.
  t.after(() => children.forEach((child) => child.kill('SIGKILL')));
  const dataDir = await tempDir();
  /** The round that wrote each revision range: round r owns (ends[r-1], ends[r]]. */
  const ends: number[] = [];
  const roundOf = (revision: number): number => ends.findIndex((end) => revision <= end);
  let checked = { revision: 0, compactRevision: 0 };
  let totalAcks = 0;
  let acksAfterCompaction = 0;
  let unacknowledgedLanded = 0;
  const ackAges: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const killAfterMs = KILL_AFTER_MS.min + Math.floor(Math.random() * (KILL_AFTER_MS.max - KILL_AFTER_MS.min));
      const outcome = await runAndKill(dataDir, round, killAfterMs, children);
      const context = `round ${round} (killed ${killAfterMs} ms after its first acknowledgement)`;
      assert.deepEqual(outcome.openedAt, checked, `${context}: the writer did not reopen what the last check saw`);
      assert.ok(outcome.killedRunning, `${context}: the writer had stopped before the kill`);
      assert.ok(outcome.acks.length > 0, `${context}: nothing acknowledged`);
      totalAcks += outcome.acks.length;
      ackAges.push(outcome.lastAckAgeMs);

      const store = await openStore({ backend: 'level', dataDir, autoCompaction: false });
      try {
        const writes = outcome.acks.filter((a) => a.op !== 'compact');
        const compactions = outcome.acks.filter((a) => a.op === 'compact');
        const highest = Math.max(checked.revision, ...writes.map((a) => a.revision));
        assert.ok(store.revision >= highest, `${context}: revision ${store.revision} is behind the acknowledged ${highest}`);
        const compacted = store.compactRevision;
        assert.ok(compacted >= Math.max(checked.compactRevision, ...compactions.map((a) => a.revision)), `${context}: compaction point ${compacted} went back`);
        assert.ok(compacted <= store.revision, `${context}: compaction point ${compacted} beyond revision ${store.revision}`);
        if (!isCompactionRound(round)) assert.equal(compacted, checked.compactRevision, `${context}: compacted without a compactor`);
        if (compactions.length > 0) acksAfterCompaction += writes.filter((a) => a.revision > compactions[0]!.revision).length;

        ends[round] = store.revision;
        // History before the compaction point is gone: check from whichever is later.
        const from = Math.max(checked.revision, compacted);
        const events = await eventsAfter(store, from);
        const history = checkHistory(events, from, store.revision, await stateAt(store, from), roundOf);
        const now = await stateAt(store, store.revision);
        assertSameState(now, history.state, `${context}: the state is not the history replayed`);
        checkPairs(now);
        await checkAcks(store, outcome.acks, history, from, round);
        unacknowledgedLanded += checkUnacknowledged(outcome.acks, history.writtenAt, round);
        checked = { revision: store.revision, compactRevision: compacted };
      } finally {
        await store.close();
      }
    }

    // The whole history kept, once more, after the last reopen.
    const store = await openStore({ backend: 'level', dataDir, autoCompaction: false });
    try {
      assert.deepEqual({ revision: store.revision, compactRevision: store.compactRevision }, checked);
      const from = store.compactRevision;
      const history = checkHistory(await eventsAfter(store, from), from, store.revision, await stateAt(store, from), roundOf);
      assertSameState(await stateAt(store, store.revision), history.state, 'the final state is not the history replayed');
    } finally {
      await store.close();
    }
    assert.ok(totalAcks > ROUNDS * 20, `only ${totalAcks} acknowledged writes in ${ROUNDS} rounds`);
    assert.ok(checked.compactRevision > 0 && acksAfterCompaction > 0, 'the compactor never ran alongside the writers');
    // Kills land mid-write: in most rounds acknowledgements were still arriving just before the kill.
    const flowing = ackAges.filter((age) => age < 100).length;
    assert.ok(flowing >= ROUNDS / 2, `only ${flowing} of ${ROUNDS} kills came while writes were flowing (ages ${ackAges.join(', ')} ms)`);
    t.diagnostic(`${totalAcks} acknowledged writes, ${unacknowledgedLanded} unacknowledged writes landed, revision ${checked.revision}, compacted to ${checked.compactRevision}; last acknowledgement before each kill: ${ackAges.join(', ')} ms`);
  } finally {
    children.forEach((child) => child.kill('SIGKILL'));
    await removeDir(dataDir);
  }
});
