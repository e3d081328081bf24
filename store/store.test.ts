// The Store contract, operation by operation, on every backend: memory,
// LevelDB and a real etcd (skipped where etcd is not installed).
//
// Revisions are read relative to the store's revision when a test begins
// (`r0`): 0 on a fresh embedded store, wherever the shared etcd is on etcd.
//
// Embedded-only, and why:
// - a watch replaying history that gets compacted: the embedded store replays
//   from disk only as fast as its consumer takes events, so the compaction
//   catches it; etcd sends the history at once and the buffer ends such a
//   watch first;
// - automatic compaction: the embedded store's own (etcd compacts itself,
//   --auto-compaction-retention);
// - reopening a data directory: etcd keeps its data itself.
// Group commit, value identity and crashes are the embedded store's too: see
// store.property.test.ts and crash.test.ts.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  CompactedError,
  ConflictError,
  FutureRevisionError,
  InvalidKeyError,
  InvalidRevisionError,
  InvalidTxnError,
  KeyExistsError,
  KeyNotFoundError,
  openStore,
  StoreClosedError,
  ValueTooLargeError,
  WatchOverflowError,
  type MvccStore,
  type Watch,
  type WatchEvent,
} from './index.js';
import { backends, bytes, maxValueBytes, openTestStore, removeDir, skipReason, stopSharedEtcd, tempDir, text, withStore } from './test-support.js';

after(stopSharedEtcd);

/** Collects events from a watch until `count` have arrived. */
async function take(watch: Watch, count: number): Promise<WatchEvent[]> {
  const events: WatchEvent[] = [];
  for await (const batch of watch) {
    events.push(...batch);
    if (events.length >= count) break;
  }
  return events;
}

/** An event as text, its revision counted from `r0`. */
const summary = (e: WatchEvent, r0: number): string =>
  `${e.type} ${e.kv.key}@${e.kv.modRevision - r0}=${text(e.kv.value)} prev=${e.prevKv ? text(e.prevKv.value) : '-'}`;

for (const backend of backends) {
  const embedded = backend !== 'etcd';
  describe(`store on the ${backend} backend`, { skip: skipReason(backend) }, () => {
    describe('create, update, delete', () => {
      test('an empty store is at revision 0 and each write bumps the revision once', () =>
        withStore(backend, async (store) => {
          const r0 = store.revision;
          if (embedded) assert.equal(r0, 0);
          const a = await store.create('/a', bytes('1'));
          assert.deepEqual(
            { ...a, value: text(a.value) },
            { key: '/a', value: '1', createRevision: r0 + 1, modRevision: r0 + 1, version: 1 },
          );
          const b = await store.update('/a', bytes('2'));
          assert.deepEqual([b.createRevision, b.modRevision, b.version], [r0 + 1, r0 + 2, 2]);
          const deleted = await store.delete('/a');
          assert.equal(deleted.revision, r0 + 3);
          assert.equal(text(deleted.prevKv.value), '2');
          assert.equal(store.revision, r0 + 3);
          assert.equal(await store.get('/a'), undefined);
        }));

      test('create of an existing key fails with KeyExistsError carrying the current value', () =>
        withStore(backend, async (store) => {
          const r0 = store.revision;
          await store.create('/a', bytes('1'));
          await assert.rejects(store.create('/a', bytes('2')), (error: unknown) => {
            assert.ok(error instanceof KeyExistsError);
            assert.equal(text(error.current.value), '1');
            assert.match(error.message, /key "\/a" already exists/);
            return true;
          });
          assert.equal(store.revision, r0 + 1);
        }));

      test('update and delete of a missing key fail with KeyNotFoundError', () =>
        withStore(backend, async (store) => {
          const r0 = store.revision;
          await assert.rejects(store.update('/nope', bytes('x')), KeyNotFoundError);
          await assert.rejects(store.delete('/nope'), KeyNotFoundError);
          assert.equal(store.revision, r0);
        }));

      test('a guarded update or delete at another modRevision fails with ConflictError', () =>
        withStore(backend, async (store) => {
          const r0 = store.revision;
          const first = await store.create('/a', bytes('1'));
          await store.update('/a', bytes('2'), { expectedModRevision: first.modRevision });
          await assert.rejects(store.update('/a', bytes('3'), { expectedModRevision: first.modRevision }), (error: unknown) => {
            assert.ok(error instanceof ConflictError);
            assert.equal(error.current.modRevision, r0 + 2);
            assert.match(error.message, new RegExp(`modified at revision ${r0 + 2}, expected ${r0 + 1}`));
            return true;
          });
          await assert.rejects(store.delete('/a', { expectedModRevision: r0 + 1 }), ConflictError);
          const deleted = await store.delete('/a', { expectedModRevision: r0 + 2 });
          assert.equal(text(deleted.prevKv.value), '2');
        }));

      test('a key created again after a delete starts a new life', () =>
        withStore(backend, async (store) => {
          const r0 = store.revision;
          await store.create('/a', bytes('1'));
          await store.update('/a', bytes('2'));
          await store.delete('/a');
          const again = await store.create('/a', bytes('3'));
          assert.deepEqual([again.createRevision, again.modRevision, again.version], [r0 + 4, r0 + 4, 1]);
        }));
    });

    describe('get and range', () => {
      test('get reads the key as it was at an older revision', () =>
        withStore(backend, async (store) => {
          const r0 = store.revision;
          await store.create('/a', bytes('1'));
          await store.update('/a', bytes('2'));
          await store.delete('/a');
          assert.equal(text((await store.get('/a', { revision: r0 + 1 }))!.value), '1');
          assert.equal(text((await store.get('/a', { revision: r0 + 2 }))!.value), '2');
          assert.equal(await store.get('/a', { revision: r0 + 3 }), undefined);
          await assert.rejects(store.get('/a', { revision: r0 + 4 }), FutureRevisionError);
        }));

      test('range returns the keys under a prefix in order, with limit, more, count and a continuation', () =>
        withStore(backend, async (store) => {
          const r0 = store.revision;
          for (const key of ['/p/c', '/p/a', '/q/x', '/p/b', '/pa']) await store.create(key, bytes(key));
          const all = await store.range({ prefix: '/p/' });
          assert.deepEqual(
            all.kvs.map((kv) => kv.key),
            ['/p/a', '/p/b', '/p/c'],
          );
          assert.deepEqual([all.more, all.count, all.revision], [false, 3, r0 + 5]);

          const page = await store.range({ prefix: '/p/', limit: 2 });
          assert.deepEqual(
            page.kvs.map((kv) => kv.key),
            ['/p/a', '/p/b'],
          );
          assert.deepEqual([page.more, page.count], [true, 3]);
          const rest = await store.range({ prefix: '/p/', limit: 2, fromKey: page.kvs[1]!.key + '\x00' });
          assert.deepEqual(
            rest.kvs.map((kv) => kv.key),
            ['/p/c'],
          );
          assert.deepEqual([rest.more, rest.count], [false, 1]);

          const everything = await store.range({ prefix: '' });
          assert.equal(everything.count, 5);
        }));

      test('range at an older revision sees the keys of that revision, deleted ones included', () =>
        withStore(backend, async (store) => {
          const r0 = store.revision;
          await store.create('/p/a', bytes('a1'));
          await store.create('/p/b', bytes('b1'));
          await store.update('/p/a', bytes('a2'));
          await store.delete('/p/b');
          const then = await store.range({ prefix: '/p/', revision: r0 + 2 });
          assert.deepEqual(
            then.kvs.map((kv) => `${kv.key}=${text(kv.value)}`),
            ['/p/a=a1', '/p/b=b1'],
          );
          assert.equal(then.revision, r0 + 2);
          const now = await store.range({ prefix: '/p/' });
          assert.deepEqual(
            now.kvs.map((kv) => `${kv.key}=${text(kv.value)}`),
            ['/p/a=a2'],
          );
        }));
    });

    describe('transactions', () => {
      test('the success branch runs when every compare holds, all at one revision', () =>
        withStore(backend, async (store) => {
          const r0 = store.revision;
          const a = await store.create('/a', bytes('1'));
          const result = await store.txn({
            compare: [
              { key: '/a', target: 'modRevision', result: '=', value: a.modRevision },
              { key: '/a', target: 'version', result: '>', value: 0 },
              { key: '/b', target: 'createRevision', result: '=', value: 0 },
              { key: '/a', target: 'value', result: '=', value: bytes('1') },
            ],
            success: [
              { type: 'put', key: '/a', value: bytes('2') },
              { type: 'put', key: '/b', value: bytes('new') },
              { type: 'get', key: '/a' },
            ],
            failure: [{ type: 'get', key: '/a' }],
          });
          assert.equal(result.succeeded, true);
          assert.equal(result.revision, r0 + 2);
          const [putA, putB, getA] = result.results;
          assert.ok(putA?.type === 'put' && putB?.type === 'put' && getA?.type === 'get');
          assert.equal(text(putA.prevKv!.value), '1');
          assert.equal(putB.prevKv, undefined);
          assert.deepEqual([putA.kv.modRevision, putB.kv.modRevision], [r0 + 2, r0 + 2]);
          // As in etcd, a get after a put in the same transaction sees the put.
          assert.equal(text(getA.kv!.value), '2');
        }));

      test('the failure branch runs when a compare fails, and a transaction that changes nothing keeps the revision', () =>
        withStore(backend, async (store) => {
          const r0 = store.revision;
          await store.create('/a', bytes('1'));
          const result = await store.txn({
            compare: [{ key: '/a', target: 'value', result: '!=', value: bytes('1') }],
            success: [{ type: 'delete', key: '/a' }],
            failure: [{ type: 'get', key: '/a' }],
          });
          assert.equal(result.succeeded, false);
          assert.equal(result.revision, r0 + 1);
          assert.equal(store.revision, r0 + 1);
          const [get] = result.results;
          assert.ok(get?.type === 'get');
          assert.equal(text(get.kv!.value), '1');
        }));

      test('a value compare on a missing key is false whatever the operator, as in etcd', () =>
        withStore(backend, async (store) => {
          for (const result of ['=', '!=', '<', '>'] as const) {
            const answer = await store.txn({ compare: [{ key: '/none', target: 'value', result, value: bytes('x') }] });
            assert.equal(answer.succeeded, false, result);
          }
        }));

      test('deleting a missing key in a transaction changes nothing', () =>
        withStore(backend, async (store) => {
          const r0 = store.revision;
          const result = await store.txn({ success: [{ type: 'delete', key: '/none' }] });
          assert.deepEqual(result.results, [{ type: 'delete', deleted: false }]);
          assert.equal(result.revision, r0);
        }));

      test('a transaction writing one key twice or with more than 128 ops is refused whole', () =>
        withStore(backend, async (store) => {
          const r0 = store.revision;
          await assert.rejects(
            store.txn({
              success: [
                { type: 'put', key: '/x', value: bytes('1') },
                { type: 'put', key: '/a', value: bytes('1') },
                { type: 'delete', key: '/a' },
              ],
            }),
            (error: unknown) => error instanceof InvalidTxnError && /duplicate key "\/a"/.test(error.message),
          );
          const many = Array.from({ length: 129 }, (_, i) => ({ type: 'put' as const, key: `/k${i}`, value: bytes('v') }));
          await assert.rejects(store.txn({ success: many }), /too many operations in txn request \(129, the limit is 128\)/);
          assert.equal(store.revision, r0);
          assert.equal(await store.get('/x'), undefined);
        }));
    });

    describe('bad input', () => {
      test('empty, overlong and non-ASCII keys are refused with InvalidKeyError', () =>
        withStore(backend, async (store) => {
          const r0 = store.revision;
          await assert.rejects(store.create('', bytes('x')), /a key must not be empty/);
          await assert.rejects(store.create('/' + 'k'.repeat(3072), bytes('x')), InvalidKeyError);
          await assert.rejects(store.create('/ключ', bytes('x')), /characters other than printable ASCII/);
          await assert.rejects(store.get(''), InvalidKeyError);
          assert.equal(store.revision, r0);
        }));

      // etcd's --max-request-bytes (1.5 MiB) counts the whole request, so the etcd backend's limit is 4 KiB lower.
      test('a value over 1.5 MiB is refused with ValueTooLargeError and nothing is written', () =>
        withStore(backend, async (store) => {
          const r0 = store.revision;
          const big = new Uint8Array(maxValueBytes(backend) + 1);
          await assert.rejects(
            store.txn({
              success: [
                { type: 'put', key: '/small', value: bytes('ok') },
                { type: 'put', key: '/big', value: big },
              ],
            }),
            (error: unknown) => error instanceof ValueTooLargeError && error.bytes === big.byteLength,
          );
          assert.equal(store.revision, r0);
          assert.equal(await store.get('/small'), undefined);
          const limit = await store.create('/limit', new Uint8Array(maxValueBytes(backend)));
          assert.equal(limit.value.byteLength, maxValueBytes(backend));
          assert.equal((await store.get('/limit'))!.value.byteLength, maxValueBytes(backend));
        }));

      test('negative or fractional revisions are refused with InvalidRevisionError', () =>
        withStore(backend, async (store) => {
          await store.create('/a', bytes('1'));
          assert.throws(() => store.watch('/', { fromRevision: -1 }), InvalidRevisionError);
          await assert.rejects(store.get('/a', { revision: -1 }), InvalidRevisionError);
          await assert.rejects(store.range({ prefix: '/', revision: 1.5 }), InvalidRevisionError);
          await assert.rejects(store.update('/a', bytes('2'), { expectedModRevision: -3 }), InvalidRevisionError);
          await assert.rejects(store.compact(-1), InvalidRevisionError);
          await assert.rejects(store.range({ prefix: '/', limit: -1 }), InvalidTxnError);
        }));

      test('a closed store refuses every operation with StoreClosedError, and closing twice is fine', async () => {
        const { store, dispose } = await openTestStore(backend);
        await store.create('/a', bytes('1'));
        await store.close();
        await store.close();
        await assert.rejects(store.get('/a'), StoreClosedError);
        await assert.rejects(store.range({ prefix: '' }), StoreClosedError);
        await assert.rejects(store.create('/b', bytes('1')), StoreClosedError);
        await assert.rejects(store.txn({}), StoreClosedError);
        await assert.rejects(store.compact(1), StoreClosedError);
        assert.throws(() => store.watch('/'), StoreClosedError);
        await dispose();
      });
    });

    describe('watch', () => {
      test('a watch sees the changes after it started, in order, each with its previous value', () =>
        withStore(backend, async (store) => {
          const r0 = store.revision;
          await store.create('/w/before', bytes('0'));
          const watch = store.watch('/w/');
          const seen = take(watch, 4);
          await store.create('/w/a', bytes('1'));
          await store.create('/other', bytes('x'));
          await store.update('/w/a', bytes('2'));
          await store.txn({
            success: [
              { type: 'delete', key: '/w/a' },
              { type: 'put', key: '/w/before', value: bytes('1') },
            ],
          });
          assert.deepEqual((await seen).map((e) => summary(e, r0)), [
            'put /w/a@2=1 prev=-',
            'put /w/a@4=2 prev=1',
            'delete /w/a@5= prev=2',
            'put /w/before@5=1 prev=0',
          ]);
          assert.equal(store.watchCount, 0, 'breaking out of the loop ends the watch');
        }));

      test('a watch from an older revision replays history, then follows new changes without a gap', () =>
        withStore(backend, async (store) => {
          const r0 = store.revision;
          for (let i = 1; i <= 1200; i++) await store.txn({ success: [{ type: 'put', key: `/h/${i % 7}`, value: bytes(String(i)) }] });
          const watch = store.watch('/h/', { fromRevision: r0 + 100 });
          const later = (async () => {
            for (let i = 1201; i <= 1210; i++) await store.txn({ success: [{ type: 'put', key: `/h/${i % 7}`, value: bytes(String(i)) }] });
          })();
          const events = await take(watch, 1110);
          await later;
          assert.deepEqual(
            events.map((e) => e.kv.modRevision),
            Array.from({ length: 1110 }, (_, i) => r0 + 101 + i),
          );
          assert.ok(events.every((e) => text(e.prevKv!.value) === String(e.kv.modRevision - r0 - 7)));
        }));

      test('a watch from a revision that is not yet written delivers only the changes after it', () =>
        withStore(backend, async (store) => {
          const watch = store.watch('/', { fromRevision: store.revision + 2 });
          const seen = take(watch, 1);
          for (const key of ['/a', '/b', '/c']) await store.create(key, bytes(key));
          assert.deepEqual(
            (await seen).map((e) => e.kv.key),
            ['/c'],
          );
        }));

      test('cancel ends the iteration normally', () =>
        withStore(backend, async (store) => {
          const watch = store.watch('/');
          const drained = (async () => {
            const batches = [];
            for await (const batch of watch) batches.push(batch);
            return batches;
          })();
          watch.cancel();
          assert.deepEqual(await drained, []);
        }));

      // One transaction of six puts: its events arrive together on every backend, whenever etcd sends them.
      test('a consumer that falls behind past its buffer is cut off with WatchOverflowError', () =>
        withStore(backend, async (store) => {
          const watch = store.watch('/', { maxBufferedEvents: 5 });
          await store.txn({ success: Array.from({ length: 6 }, (_, i) => ({ type: 'put' as const, key: `/k${i}`, value: bytes('v') })) });
          await assert.rejects(take(watch, 100), WatchOverflowError);
        }));

      test('closing the store ends open watches with StoreClosedError', async () => {
        const { store, dispose } = await openTestStore(backend);
        const watch = store.watch('/');
        const ended = assert.rejects(take(watch, 1), StoreClosedError);
        await store.close();
        await ended;
        await dispose();
      });
    });

    describe('compaction', () => {
      test('compaction forgets older revisions and keeps the state at the compaction point', () =>
        withStore(backend, async (store) => {
          const r0 = store.revision;
          await store.create('/a', bytes('1'));
          await store.update('/a', bytes('2'));
          await store.create('/b', bytes('1'));
          await store.delete('/b');
          await store.update('/a', bytes('3'));
          await store.compact(r0 + 4);
          assert.equal(store.compactRevision, r0 + 4);
          await assert.rejects(store.get('/a', { revision: r0 + 3 }), (error: unknown) => {
            assert.ok(error instanceof CompactedError);
            assert.match(error.message, new RegExp(`required revision ${r0 + 3} has been compacted`));
            return true;
          });
          assert.equal(text((await store.get('/a', { revision: r0 + 4 }))!.value), '2');
          assert.equal(await store.get('/b', { revision: r0 + 4 }), undefined);
          assert.equal(text((await store.get('/a'))!.value), '3');
          await assert.rejects(store.compact(r0 + 4), CompactedError);
          await assert.rejects(store.compact(r0 + 9), FutureRevisionError);
          assert.throws(() => store.watch('/', { fromRevision: r0 + 3 }), CompactedError);
          const fromPoint = take(store.watch('/', { fromRevision: r0 + 4 }), 1);
          assert.deepEqual((await fromPoint).map((e) => summary(e, r0)), ['put /a@5=3 prev=2']);
        }));

      test('a watch replaying history that gets compacted ends with CompactedError', { skip: !embedded && 'embedded only: etcd sends history at once' }, () =>
        withStore(backend, async (store) => {
          for (let i = 1; i <= 2000; i++) await store.txn({ success: [{ type: 'put', key: '/k', value: bytes(String(i)) }] });
          const watch = store.watch('/', { fromRevision: 0, maxBufferedEvents: 600 });
          const iterator = watch[Symbol.asyncIterator]();
          const first = await iterator.next();
          assert.equal(first.done, false);
          await store.compact(1900);
          await assert.rejects(
            (async () => {
              for (;;) if ((await iterator.next()).done) return;
            })(),
            CompactedError,
          );
        }));

      test('automatic compaction keeps both the last N revisions and the last few minutes', { skip: !embedded && 'embedded only: etcd compacts itself' }, async () => {
        let now = 1_000_000;
        const clock = { now: () => now };
        const retain = { retainRevisions: 10, retainMs: 60_000, intervalMs: 3_600_000 };
        await withStore(
          backend,
          async (store) => {
            for (let i = 0; i < 30; i++) await store.txn({ success: [{ type: 'put', key: '/k', value: bytes(String(i)) }] });
            const embeddedStore = store as MvccStore;
            await embeddedStore.runAutoCompaction();
            assert.equal(store.compactRevision, 0, 'all 30 revisions are younger than a minute');
            now += 61_000;
            for (let i = 0; i < 5; i++) await store.txn({ success: [{ type: 'put', key: '/k', value: bytes(String(i)) }] });
            await embeddedStore.runAutoCompaction();
            assert.equal(store.compactRevision, 25, 'the last 10 revisions stay although older ones are over a minute old');
            now += 61_000;
            await embeddedStore.runAutoCompaction();
            assert.equal(store.compactRevision, 25, 'nothing newer than revision 25 is both 10 revisions and a minute old');
            now += 61_000;
            for (let i = 0; i < 20; i++) await store.txn({ success: [{ type: 'put', key: '/k', value: bytes(String(i)) }] });
            await embeddedStore.runAutoCompaction();
            assert.equal(store.compactRevision, 35, 'only what was written over a minute ago goes');
            assert.equal((await store.get('/k', { revision: 35 }))?.modRevision, 35);
          },
          { clock, autoCompaction: retain },
        );
      });
    });
  });
}

describe('store on the level backend, reopened', () => {
  test('reopening a data directory restores keys, the revision, history and the compaction point', async () => {
    const dir = await tempDir();
    let store: MvccStore | undefined;
    try {
      store = await openStore({ backend: 'level', dataDir: dir, autoCompaction: false });
      for (let i = 1; i <= 100; i++) await store.txn({ success: [{ type: 'put', key: `/k/${i % 10}`, value: bytes(String(i)) }] });
      await store.delete('/k/3');
      await store.compact(50);
      await store.close();

      store = await openStore({ backend: 'level', dataDir: dir, autoCompaction: false });
      assert.equal(store.revision, 101);
      assert.equal(store.compactRevision, 50);
      const now = await store.range({ prefix: '/k/' });
      assert.deepEqual(
        now.kvs.map((kv) => `${kv.key}=${text(kv.value)}@${kv.version}`),
        ['/k/0=100@10', '/k/1=91@10', '/k/2=92@10', '/k/4=94@10', '/k/5=95@10', '/k/6=96@10', '/k/7=97@10', '/k/8=98@10', '/k/9=99@10'],
      );
      assert.equal(text((await store.get('/k/3', { revision: 100 }))!.value), '93');
      assert.equal(text((await store.get('/k/5', { revision: 50 }))!.value), '45');
      await assert.rejects(store.get('/k/5', { revision: 49 }), CompactedError);
      const next = await store.create('/k/3', bytes('again'));
      assert.equal(next.modRevision, 102);
      const replay = take(store.watch('/k/', { fromRevision: 95 }), 7);
      assert.deepEqual(
        (await replay).map((e) => e.kv.modRevision),
        [96, 97, 98, 99, 100, 101, 102],
      );
    } finally {
      await store?.close();
      await removeDir(dir);
    }
  });
});

describe('store on the level backend, reads racing commits', () => {
  test('a read at an older revision that waits for the disk keeps the values it found in memory, though a commit drops them meanwhile', async () => {
    const dir = await tempDir();
    const store = await openStore({ backend: 'level', dataDir: dir, autoCompaction: false });
    try {
      let raced = 0;
      for (let round = 0; round < 50; round++) {
        // /r/a's value is in memory (its latest); /r/b's at `at` is superseded, so read from disk.
        const a = await store.create(`/r/${round}/a`, bytes(`a${round}`));
        const b = await store.create(`/r/${round}/b`, bytes(`b${round}`));
        await store.update(`/r/${round}/b`, bytes('later'));
        const at = b.modRevision;
        // While the range reads /r/b from disk, /r/a is updated and its commit flushed.
        const [listed] = await Promise.all([store.range({ prefix: `/r/${round}/`, revision: at }), store.update(`/r/${round}/a`, bytes('later')).then(() => raced++)]);
        assert.deepEqual(
          listed.kvs.map((kv) => `${kv.key}=${text(kv.value)}@${kv.modRevision}`),
          [`/r/${round}/a=a${round}@${a.modRevision}`, `/r/${round}/b=b${round}@${b.modRevision}`],
        );
      }
      assert.equal(raced, 50);
    } finally {
      await store.close();
      await removeDir(dir);
    }
  });
});
