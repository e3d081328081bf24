// Watch guarantees under load and compaction: writers create, update and
// delete ConfigMaps while the store compacts every 150 ms; two watches (HTTP
// and WebSocket) from one resourceVersion must see the same ordered,
// duplicate-free sequence, which replays to the final list; a watch stopped
// midway and resumed from its last resourceVersion must miss nothing; and a
// watch from a resourceVersion compacted away gets 410 Expired as an
// in-stream ERROR event, as upstream's watch cache answers (cacher.go Watch:
// "once we have passed authn/authz/admission ... other errors must fail with
// a watch event of type ERROR").
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestServer } from '../../apiserver/test-support.js';
import { openStore } from '../../store/index.js';
import { checkNoGaps, checkReplaysToList, checkSameSequence, checkWatch, namedVersions, watchHttp, watchWebSocket, type WatchFrame } from './index.js';

const WRITERS = 4;
const NAMES = 8;
const WRITE_MS = 3_000;
const PATH = '/api/v1/namespaces/default/configmaps';

test('watches stay ordered, whole and in agreement while the store compacts every 150 ms', { timeout: 60_000 }, async (t) => {
  const store = await openStore({ backend: 'memory', autoCompaction: { retainRevisions: 20, retainMs: 0, intervalMs: 150 } });
  const server = await startTestServer({ store, watchCache: { historyCapacity: 64 } });
  try {
    const listed = async () => {
      const { body } = await server.call('GET', PATH);
      return { revision: Number(body.metadata.resourceVersion), items: namedVersions(body.items) };
    };
    const start = await listed();
    const rv = String(start.revision);
    const overHttp = watchHttp(server.url, PATH, { resourceVersion: rv, allowWatchBookmarks: true });
    const overSocket = watchWebSocket(server.url, PATH, { resourceVersion: rv });
    const resumed = [watchHttp(server.url, PATH, { resourceVersion: rv })];

    let lastWrite = 0;
    const deadline = Date.now() + WRITE_MS;
    const writer = async (w: number): Promise<number> => {
      let writes = 0;
      for (let i = 0; Date.now() < deadline; i++) {
        const name = `cm-${(w + i * 3) % NAMES}`;
        const roll = (w * 7 + i) % 10;
        const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { v: `${w}:${i}` } };
        let answer: { status: number; body: any } = roll < 2 ? await server.call('DELETE', `${PATH}/${name}`) : await server.call('PUT', `${PATH}/${name}`, body);
        if (roll >= 2 && answer.status === 404) answer = await server.call('POST', PATH, body);
        if (answer.status < 300) {
          writes++;
          lastWrite = Math.max(lastWrite, Number(answer.body.metadata?.resourceVersion ?? 0));
        }
      }
      return writes;
    };
    const writing = Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));

    // Midway, one watch is dropped and resumed from the last resourceVersion it saw, as a reflector does.
    await new Promise((resolve) => setTimeout(resolve, WRITE_MS / 3));
    const firstPart = checkWatch(await resumed[0]!.stop(), { from: start.revision, name: 'resumed watch, before' });
    const resumeFrom = firstPart[firstPart.length - 1]?.resourceVersion ?? start.revision;
    resumed.push(watchHttp(server.url, PATH, { resourceVersion: String(resumeFrom) }));

    const writes = (await writing).reduce((a, b) => a + b, 0);
    // A list's resourceVersion is the store's revision; the deletes' revisions count too.
    const end = await listed();
    const last = Math.max(lastWrite, ...end.items.map((o) => o.resourceVersion));
    const reached = (f: WatchFrame): boolean => f.type !== 'BOOKMARK' && f.resourceVersion >= last;
    for (const w of [overHttp, overSocket, resumed[1]!]) assert.ok(await w.waitFor(reached), `a watch (${w.transport}) never reached resourceVersion ${last}`);
    const httpEvents = checkWatch(await overHttp.stop(), { from: start.revision, name: 'HTTP watch' });
    const socketEvents = checkWatch(await overSocket.stop(), { from: start.revision, name: 'WebSocket watch' });
    const secondPart = checkWatch(await resumed[1]!.stop(), { from: resumeFrom, name: 'resumed watch, after' });

    const compared = checkSameSequence(httpEvents, socketEvents, ['HTTP watch', 'WebSocket watch']);
    checkNoGaps([...firstPart, ...secondPart], httpEvents, { from: start.revision, to: last }, 'resumed watch');
    checkReplaysToList(start.items, httpEvents, end.items, 'HTTP watch');
    checkReplaysToList(start.items, socketEvents, end.items, 'WebSocket watch');

    assert.ok(store.compactRevision > start.revision, `no compaction ran past the watches' start (${store.compactRevision} <= ${start.revision})`);
    const expiredHttp = watchHttp(server.url, PATH, { resourceVersion: rv });
    const expiredSocket = watchWebSocket(server.url, PATH, { resourceVersion: rv });
    await Promise.all([expiredHttp.ended, expiredSocket.ended]);
    checkWatch(await expiredHttp.stop(), { from: start.revision, expectError: { code: 410, reason: 'Expired' }, name: 'HTTP watch from a compacted resourceVersion' });
    assert.equal(expiredHttp.status(), 200, 'the HTTP watch from a compacted resourceVersion: 200 with the ERROR in the stream, as upstream');
    checkWatch(await expiredSocket.stop(), { from: start.revision, expectError: { code: 410, reason: 'Expired' }, name: 'WebSocket watch from a compacted resourceVersion' });

    const events = httpEvents.length + socketEvents.length + firstPart.length + secondPart.length;
    assert.ok(httpEvents.length > 100, `only ${httpEvents.length} events`);
    t.diagnostic(
      `watch-guarantees: ${writes} writes, ${events} events checked over 4 watches (${compared} compared HTTP against WebSocket), ` +
        `resumed at ${resumeFrom}, compacted to ${store.compactRevision} of ${store.revision}, 410 Expired in-stream on HTTP and WebSocket`,
    );
  } finally {
    await server.close();
    await store.close();
  }
});
