// The API server's etcd compactor (etcd-compactor.ts) against a real etcd
// member the test starts: rounds taken in turn by a compare-and-swap on
// compact_rev_key's version, the first round compacting nothing, the next
// compacting to the revision the previous one saw; and an EtcdStore with a
// compaction interval forgets its history by itself. Skipped, saying why,
// where etcd is not installed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Etcd3 } from 'etcd3';
import { findEtcd, startEtcd, type EtcdServer } from '../bench/etcd.js';
import { COMPACT_REV_KEY, compactRound } from './etcd-compactor.js';
import { CompactedError, openEtcdStore } from './index.js';

const skip = findEtcd() ? false : 'etcd is not installed (no /usr/bin/etcd): apt-get install etcd-server';

describe('the etcd compactor', { skip }, () => {
  let etcd: EtcdServer;
  let client: Etcd3;

  before(async () => {
    etcd = (await startEtcd())!;
    client = new Etcd3({ hosts: [etcd.endpoint] });
  });

  after(async () => {
    client?.close();
    await etcd?.stop();
  });

  const revision = async (): Promise<number> => Number((await client.kv.range({ key: Buffer.from('/'), count_only: true })).header.revision);

  test('the first round starts the clock, the next compacts to the revision it saw; a server a round behind takes the other one turn', async () => {
    await client.put('/lab/a').value('1');
    const first = await compactRound(client, { time: 0, revision: 0 });
    assert.equal(first.time, 1);
    assert.equal(first.compacted, undefined, 'nothing is compacted at start');
    assert.equal(first.revision, await revision(), 'the revision of its claim');

    // Another API server, still at time 0: the round was taken; it adopts the key's version.
    const other = await compactRound(client, { time: 0, revision: 0 });
    assert.deepEqual([other.time, other.compacted], [1, undefined]);

    await client.put('/lab/a').value('2');
    const second = await compactRound(client, first);
    assert.equal(second.compacted, first.revision);
    assert.equal(second.time, 2);
    assert.equal(String(await client.get(COMPACT_REV_KEY)), String(first.revision), 'the key holds the revision compacted to');
    await assert.rejects(client.kv.range({ key: Buffer.from('/lab/a'), revision: String(first.revision - 1) }), /compacted/);

    // The other server's stale turn fails the compare and compacts nothing.
    const stale = await compactRound(client, other);
    assert.deepEqual([stale.time, stale.compacted], [2, undefined]);
  });

  test('a store opened with a compaction interval compacts by itself, and reads before the compaction are CompactedError', async () => {
    const store = await openEtcdStore({ endpoints: [etcd.endpoint], keyPrefix: '/compacting', compactionIntervalMs: 100 });
    try {
      const written = await store.create('/k', Buffer.from('v1'));
      await store.update('/k', Buffer.from('v2'));
      const deadline = Date.now() + 10_000;
      while (store.compactRevision < written.modRevision && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.ok(store.compactRevision >= written.modRevision, `compacted only to ${store.compactRevision}`);
      await assert.rejects(store.get('/k', { revision: written.modRevision - 1 }), CompactedError);
      assert.equal(String(Buffer.from((await store.get('/k'))!.value)), 'v2');
    } finally {
      await store.close();
    }
  });
});
