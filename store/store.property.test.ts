// Model-based property test: random sequences of writes, reads, compactions,
// watches (and, on LevelDB, reopens) run against the store and against a plain
// in-memory model of etcd's semantics; every answer, every revision and every
// watch stream must agree with the model.
//
// On etcd (skipped where it is not installed) each sequence runs in a key
// prefix of its own on one shared etcd member: the model starts at the
// revision and compaction point etcd is at, and the revisions a sequence
// names (guards, compares) are counted from there. Embedded-only, and why:
// reopens (etcd keeps its data itself) and bursts of concurrent writes, which
// test group commit; etcd may apply concurrent requests in any order, so the
// model could not tell their revisions.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import {
  CompactedError,
  ConflictError,
  FutureRevisionError,
  InvalidTxnError,
  KeyExistsError,
  KeyNotFoundError,
  openStore,
  StoreClosedError,
  type Compare,
  type KeyValue,
  type RangeResult,
  type TxnOp,
  type TxnOpResult,
  type WatchEvent,
} from './index.js';
import { backends, bytes, openTestStore, skipReason, stopSharedEtcd, text, type BackendName, type TestStore } from './test-support.js';

after(stopSharedEtcd);

// --- the model -----------------------------------------------------------

/** A key's value as the model holds it; values are short strings. */
interface ModelKv {
  readonly key: string;
  readonly value: string;
  readonly createRevision: number;
  readonly modRevision: number;
  readonly version: number;
}

interface ModelEvent {
  readonly type: 'put' | 'delete';
  readonly kv: ModelKv;
  readonly prevKv?: ModelKv;
}

type ModelOpResult =
  | { type: 'put'; kv: ModelKv; prevKv?: ModelKv }
  | { type: 'delete'; deleted: boolean; prevKv?: ModelKv }
  | { type: 'get'; kv?: ModelKv };

/** etcd's semantics, written the plain way: a full copy of the state per revision. */
class Model {
  /** states[r] is the state after revision r. */
  readonly states: Map<string, ModelKv>[];
  /** events[r] are the changes of revision r. */
  readonly events: ModelEvent[][];

  /** A model of an empty key space at `revision` (0 for a new store; etcd's when the sequence begins). */
  constructor(
    revision = 0,
    public compactRevision = 0,
  ) {
    const empty = new Map<string, ModelKv>();
    this.states = Array.from({ length: revision + 1 }, () => empty);
    this.events = Array.from({ length: revision + 1 }, () => []);
  }

  get revision(): number {
    return this.states.length - 1;
  }

  get current(): Map<string, ModelKv> {
    return this.states[this.revision]!;
  }

  stateAt(revision: number): Map<string, ModelKv> {
    return this.states[revision]!;
  }

  compareHolds(c: ModelCompare): boolean {
    const kv = this.current.get(c.key);
    if (c.target === 'value') {
      if (!kv) return false;
      const order = kv.value < c.value ? -1 : kv.value > c.value ? 1 : 0;
      return holds(order, c.result, 0);
    }
    return holds(kv ? kv[c.target] : 0, c.result, c.value);
  }

  txn(t: ModelTxn): { succeeded: boolean; revision: number; results: ModelOpResult[] } {
    const succeeded = t.compare.every((c) => this.compareHolds(c));
    const ops = succeeded ? t.success : t.failure;
    const revision = this.revision + 1;
    const next = new Map(this.current);
    const events: ModelEvent[] = [];
    const results = ops.map((op): ModelOpResult => {
      const prevKv = next.get(op.key);
      if (op.type === 'get') return { type: 'get', kv: prevKv };
      if (op.type === 'delete') {
        if (!prevKv) return { type: 'delete', deleted: false };
        next.delete(op.key);
        events.push({ type: 'delete', kv: { key: op.key, value: '', createRevision: 0, modRevision: revision, version: 0 }, prevKv });
        return { type: 'delete', deleted: true, prevKv };
      }
      const kv: ModelKv = {
        key: op.key,
        value: op.value,
        createRevision: prevKv?.createRevision ?? revision,
        modRevision: revision,
        version: (prevKv?.version ?? 0) + 1,
      };
      next.set(op.key, kv);
      events.push(prevKv ? { type: 'put', kv, prevKv } : { type: 'put', kv });
      return prevKv ? { type: 'put', kv, prevKv } : { type: 'put', kv };
    });
    if (events.length > 0) {
      this.states.push(next);
      this.events.push(events);
    }
    return { succeeded, revision: this.revision, results };
  }

  /** The changes under `prefix` after `fromRevision`, through the current revision. */
  eventsAfter(prefix: string, fromRevision: number): ModelEvent[] {
    return this.events.slice(fromRevision + 1).flatMap((list) => list.filter((e) => e.kv.key.startsWith(prefix)));
  }
}

function holds(actual: number, result: Compare['result'], expected: number): boolean {
  if (result === '=') return actual === expected;
  if (result === '!=') return actual !== expected;
  return result === '<' ? actual < expected : actual > expected;
}

// --- operations ----------------------------------------------------------

type ModelCompare =
  | { key: string; target: 'version' | 'createRevision' | 'modRevision'; result: Compare['result']; value: number }
  | { key: string; target: 'value'; result: Compare['result']; value: string };
type ModelTxnOp = { type: 'put'; key: string; value: string } | { type: 'delete'; key: string } | { type: 'get'; key: string };
interface ModelTxn {
  compare: ModelCompare[];
  success: ModelTxnOp[];
  failure: ModelTxnOp[];
}

type Op =
  | { kind: 'create'; key: string; value: string }
  | { kind: 'update'; key: string; value: string; guard?: number }
  | { kind: 'delete'; key: string; guard?: number }
  | { kind: 'txn'; txn: ModelTxn }
  /** Several writes sent at once, so they share group commits. */
  | { kind: 'burst'; writes: { key: string; value: string }[] }
  /** `back` revisions before the current one (negative: in the future). */
  | { kind: 'get'; key: string; back: number }
  | { kind: 'range'; prefix: string; fromKey?: string; limit: number; back: number }
  | { kind: 'compact'; back: number }
  | { kind: 'watch'; prefix: string; back: number }
  | { kind: 'reopen' };

const KEYS = ['/a', '/a/x', '/a/y', '/b', '/b/x', '/bb', '/c'];
const PREFIXES = ['', '/a', '/a/', '/b', '/b/', '/z'];

const key = fc.constantFrom(...KEYS);
const value = fc.constantFrom('', 'v1', 'v2', 'v3', 'w');
const back = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: -2, max: 40 }));
const result = fc.constantFrom<Compare['result']>('=', '!=', '<', '>');
const compare: fc.Arbitrary<ModelCompare> = fc.oneof(
  fc.record({ key, target: fc.constantFrom('version' as const, 'createRevision' as const, 'modRevision' as const), result, value: fc.integer({ min: 0, max: 30 }) }),
  fc.record({ key, target: fc.constant('value' as const), result, value }),
);
const txnOp: fc.Arbitrary<ModelTxnOp> = fc.oneof(
  fc.record({ type: fc.constant('put' as const), key, value }),
  fc.record({ type: fc.constant('delete' as const), key }),
  fc.record({ type: fc.constant('get' as const), key }),
);

function opArbitrary(backend: BackendName): fc.Arbitrary<Op> {
  const ops: fc.Arbitrary<Op>[] = [
    fc.record({ kind: fc.constant('create' as const), key, value }),
    fc.record({ kind: fc.constant('update' as const), key, value, guard: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }) }, { requiredKeys: ['kind', 'key', 'value'] }),
    fc.record({ kind: fc.constant('delete' as const), key, guard: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }) }, { requiredKeys: ['kind', 'key'] }),
    fc.record({
      kind: fc.constant('txn' as const),
      txn: fc.record({ compare: fc.array(compare, { maxLength: 3 }), success: fc.array(txnOp, { maxLength: 4 }), failure: fc.array(txnOp, { maxLength: 3 }) }),
    }),
    fc.record({ kind: fc.constant('get' as const), key, back }),
    fc.record(
      { kind: fc.constant('range' as const), prefix: fc.constantFrom(...PREFIXES), fromKey: fc.option(key, { nil: undefined }), limit: fc.integer({ min: 0, max: 3 }), back },
      { requiredKeys: ['kind', 'prefix', 'limit', 'back'] },
    ),
    fc.record({ kind: fc.constant('compact' as const), back }),
    fc.record({ kind: fc.constant('watch' as const), prefix: fc.constantFrom(...PREFIXES), back }),
  ];
  if (backend !== 'etcd') ops.push(fc.record({ kind: fc.constant('burst' as const), writes: fc.array(fc.record({ key, value }), { minLength: 2, maxLength: 8 }) }));
  if (backend === 'level') ops.push(fc.constant({ kind: 'reopen' as const }));
  return fc.oneof(...ops);
}

// --- comparing answers ---------------------------------------------------

const plain = (kv: KeyValue | undefined): ModelKv | undefined => kv && { ...kv, value: text(kv.value) };

function plainResult(r: TxnOpResult): ModelOpResult {
  if (r.type === 'get') return r.kv ? { type: 'get', kv: plain(r.kv) } : { type: 'get' };
  if (r.type === 'put') return r.prevKv ? { type: 'put', kv: plain(r.kv)!, prevKv: plain(r.prevKv) } : { type: 'put', kv: plain(r.kv)! };
  return r.prevKv ? { type: 'delete', deleted: r.deleted, prevKv: plain(r.prevKv) } : { type: 'delete', deleted: r.deleted };
}

function plainModelResult(r: ModelOpResult): ModelOpResult {
  // The model's results carry `kv: undefined` / `prevKv: undefined` where the store's omit the field.
  return JSON.parse(JSON.stringify(r)) as ModelOpResult;
}

const plainEvent = (e: WatchEvent): ModelEvent => (e.prevKv ? { type: e.type, kv: plain(e.kv)!, prevKv: plain(e.prevKv) } : { type: e.type, kv: plain(e.kv)! });

function toStoreOp(op: ModelTxnOp): TxnOp {
  return op.type === 'put' ? { type: 'put', key: op.key, value: bytes(op.value) } : op;
}

function toStoreCompare(c: ModelCompare): Compare {
  return c.target === 'value' ? { ...c, value: bytes(c.value) } : c;
}

function hasDuplicateWrite(ops: readonly ModelTxnOp[]): boolean {
  const written = ops.filter((o) => o.type !== 'get').map((o) => o.key);
  return new Set(written).size !== written.length;
}

/** A watch under test: what it was asked, what it got, and how it ended. */
interface WatchRun {
  readonly prefix: string;
  readonly from: number;
  readonly events: ModelEvent[];
  /** Compactions and reopens after it began: the reasons it may end early. */
  readonly laterCompactions: number[];
  reopenedAfter: boolean;
  done: Promise<Error | undefined>;
}

const SENTINEL_KEYS = ['/a/~end', '/b/~end', '/z~end'];
const FINAL = 'final';

// --- the runner ----------------------------------------------------------

/** Revisions the sequence names counted from `base`, where the key space began; 0 (a missing key's) stays 0. */
function shiftRevisions(ops: readonly Op[], base: number): Op[] {
  if (base === 0) return [...ops];
  const shift = (n: number): number => (n === 0 ? 0 : n + base);
  const shiftCompare = (c: ModelCompare): ModelCompare =>
    c.target === 'createRevision' || c.target === 'modRevision' ? { ...c, value: shift(c.value) } : c;
  return ops.map((op): Op => {
    if ((op.kind === 'update' || op.kind === 'delete') && op.guard !== undefined) return { ...op, guard: shift(op.guard) };
    if (op.kind === 'txn') return { ...op, txn: { ...op.txn, compare: op.txn.compare.map(shiftCompare) } };
    return op;
  });
}

async function runSequence(backend: BackendName, generated: readonly Op[]): Promise<void> {
  const opened = await openTestStore(backend);
  let store: TestStore = opened.store;
  const model = new Model(store.revision, store.compactRevision);
  const ops = shiftRevisions(generated, store.revision);
  const watches: WatchRun[] = [];

  try {
    for (const op of ops) {
      switch (op.kind) {
        case 'create': {
          const existing = model.current.get(op.key);
          const answer = store.create(op.key, bytes(op.value));
          if (existing) {
            await assert.rejects(answer, (e: unknown) => e instanceof KeyExistsError && text(e.current.value) === existing.value);
          } else {
            model.txn({ compare: [], success: [{ type: 'put', key: op.key, value: op.value }], failure: [] });
            assert.deepEqual(plain(await answer), model.current.get(op.key));
          }
          break;
        }
        case 'update':
        case 'delete': {
          const existing = model.current.get(op.key);
          const answer =
            op.kind === 'update'
              ? store.update(op.key, bytes(op.value), { expectedModRevision: op.guard })
              : store.delete(op.key, { expectedModRevision: op.guard });
          if (!existing) {
            await assert.rejects(answer, KeyNotFoundError);
          } else if (op.guard !== undefined && op.guard !== existing.modRevision) {
            await assert.rejects(answer, (e: unknown) => e instanceof ConflictError && e.current.modRevision === existing.modRevision);
          } else if (op.kind === 'update') {
            model.txn({ compare: [], success: [{ type: 'put', key: op.key, value: op.value }], failure: [] });
            assert.deepEqual(plain((await answer) as KeyValue), model.current.get(op.key));
          } else {
            model.txn({ compare: [], success: [{ type: 'delete', key: op.key }], failure: [] });
            const deleted = (await answer) as { revision: number; prevKv: KeyValue };
            assert.deepEqual({ revision: deleted.revision, prevKv: plain(deleted.prevKv) }, { revision: model.revision, prevKv: existing });
          }
          break;
        }
        case 'txn': {
          const answer = store.txn({
            compare: op.txn.compare.map(toStoreCompare),
            success: op.txn.success.map(toStoreOp),
            failure: op.txn.failure.map(toStoreOp),
          });
          if (hasDuplicateWrite(op.txn.success) || hasDuplicateWrite(op.txn.failure)) {
            await assert.rejects(answer, InvalidTxnError);
            break;
          }
          const expected = model.txn(op.txn);
          const got = await answer;
          assert.deepEqual(
            { succeeded: got.succeeded, revision: got.revision, results: got.results.map(plainResult) },
            { ...expected, results: expected.results.map(plainModelResult) },
          );
          break;
        }
        case 'burst': {
          const answers = op.writes.map((w) => store.txn({ success: [{ type: 'put', key: w.key, value: bytes(w.value) }] }));
          const expected = op.writes.map((w) => model.txn({ compare: [], success: [{ type: 'put', key: w.key, value: w.value }], failure: [] }));
          const got = await Promise.all(answers);
          assert.deepEqual(
            got.map((g) => ({ succeeded: g.succeeded, revision: g.revision, results: g.results.map(plainResult) })),
            expected.map((e) => ({ ...e, results: e.results.map(plainModelResult) })),
          );
          break;
        }
        case 'get':
        case 'range': {
          const revision = model.revision - op.back;
          const asked = revision === 0 ? 1 : revision; // 0 means "current" to the store.
          const read =
            op.kind === 'get'
              ? store.get(op.key, { revision: asked })
              : store.range({ prefix: op.prefix, fromKey: op.fromKey, limit: op.limit, revision: asked });
          if (asked < 0) {
            await assert.rejects(read, /must be a whole number/);
          } else if (asked > model.revision) {
            await assert.rejects(read, FutureRevisionError);
          } else if (asked < model.compactRevision) {
            await assert.rejects(read, CompactedError);
          } else if (op.kind === 'get') {
            assert.deepEqual(plain((await read) as KeyValue | undefined), model.stateAt(asked).get(op.key));
          } else {
            const start = op.fromKey !== undefined && op.fromKey > op.prefix ? op.fromKey : op.prefix;
            const matching = [...model.stateAt(asked).values()]
              .filter((kv) => kv.key.startsWith(op.prefix) && kv.key >= start)
              .sort((x, y) => (x.key < y.key ? -1 : 1));
            const kvs = op.limit === 0 ? matching : matching.slice(0, op.limit);
            const got = (await read) as RangeResult;
            assert.deepEqual(
              { kvs: got.kvs.map(plain), more: got.more, count: got.count, revision: got.revision },
              { kvs, more: kvs.length < matching.length, count: matching.length, revision: asked },
            );
          }
          break;
        }
        case 'compact': {
          const revision = model.revision - op.back;
          if (revision < 0) break;
          const answer = store.compact(revision);
          if (revision > model.revision) {
            await assert.rejects(answer, FutureRevisionError);
          } else if (revision <= model.compactRevision) {
            await assert.rejects(answer, CompactedError);
          } else {
            await answer;
            model.compactRevision = revision;
            for (const w of watches) w.laterCompactions.push(revision);
          }
          assert.equal(store.compactRevision, model.compactRevision);
          break;
        }
        case 'watch': {
          const from = model.revision - op.back;
          if (from < 0) {
            assert.throws(() => store.watch(op.prefix, { fromRevision: from }), /must be a whole number/);
          } else if (from < model.compactRevision) {
            assert.throws(() => store.watch(op.prefix, { fromRevision: from }), CompactedError);
          } else {
            const watch = store.watch(op.prefix, { fromRevision: from });
            const run: WatchRun = { prefix: op.prefix, from, events: [], laterCompactions: [], reopenedAfter: false, done: Promise.resolve(undefined) };
            run.done = (async () => {
              try {
                for await (const batch of watch) {
                  run.events.push(...batch.map(plainEvent));
                  if (batch.some((e) => text(e.kv.value) === FINAL)) return undefined;
                }
                return new Error('the watch ended without an error before the last write');
              } catch (error) {
                return error as Error;
              }
            })();
            watches.push(run);
          }
          break;
        }
        case 'reopen': {
          await store.close();
          for (const w of watches) w.reopenedAfter = true;
          store = await openStore({ backend: 'level', dataDir: opened.dataDir, autoCompaction: false });
          assert.equal(store.revision, model.revision);
          assert.equal(store.compactRevision, model.compactRevision);
          const all = await store.range({ prefix: '' });
          assert.deepEqual(all.kvs.map(plain), [...model.current.values()].sort((x, y) => (x.key < y.key ? -1 : 1)));
          break;
        }
      }
      assert.equal(store.revision, model.revision, `the revision after ${op.kind}`);
    }

    // A last write under every watched prefix tells each watch it has seen
    // everything; writes before it move the revision past any watch's start.
    const furthest = Math.max(0, ...watches.map((w) => w.from));
    for (let final = false; !final; ) {
      final = model.revision >= furthest;
      const value = final ? FINAL : `filler${model.revision}`;
      const success = SENTINEL_KEYS.map((k) => ({ type: 'put' as const, key: k, value }));
      model.txn({ compare: [], success, failure: [] });
      await store.txn({ success: success.map(toStoreOp) });
    }

    for (const w of watches) {
      const error = await w.done;
      const expected = model.eventsAfter(w.prefix, w.from);
      if (error === undefined) {
        assert.deepEqual(w.events, expected);
      } else if (error instanceof CompactedError) {
        assert.ok(
          w.laterCompactions.some((c) => c > w.from),
          `a watch from ${w.from} ended with ${error.message} although nothing after it was compacted`,
        );
        assert.deepEqual(w.events, expected.slice(0, w.events.length));
      } else if (error instanceof StoreClosedError) {
        assert.ok(w.reopenedAfter, 'only a reopen closes a watch');
        assert.deepEqual(w.events, expected.slice(0, w.events.length));
      } else {
        throw error;
      }
    }
  } finally {
    await store.close();
    await opened.dispose();
  }
}

// Every watched prefix must match a sentinel key, or its watch would wait forever.
assert.ok(PREFIXES.every((p) => SENTINEL_KEYS.some((k) => k.startsWith(p))));

const runs: Record<BackendName, number> = { memory: 1000, level: 200, etcd: 100 };

describe('the store agrees with a plain model of etcd', () => {
  for (const backend of backends) {
    test(`random operation sequences on the ${backend} backend`, { timeout: 120_000, skip: skipReason(backend) }, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(opArbitrary(backend), { minLength: 1, maxLength: 60 }), (ops) => runSequence(backend, ops)),
        { numRuns: runs[backend] },
      );
    });
  }
});
