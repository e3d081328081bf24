// The informer check can fail: bad sequences fed through the observer a real
// informer would be given are caught (out of order, duplicate, before the
// start, a gap or a repeat across a resume, a watch after a 410, an ERROR
// other than 410, a gap against the reference, a cache the events do not
// give); and a real informer, with a reference watch, passes, resumed across
// its API server's restart too.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ConfigMap } from 'kubernetes-types/core/v1.js';
import { startApiServer } from '../../apiserver/index.js';
import { startTestServer } from '../../apiserver/test-support.js';
import { openStore } from '../../store/index.js';
import { KubeClient, kinds } from '../../client/index.js';
import { checkAgainstReference, checkCacheReplays, checkedInformer, checkInformerEpochs, recordInformer, type InformerRecording, type WatchFrame } from './index.js';

const object = (name: string, rv: number) => ({ metadata: { name, namespace: 'default', resourceVersion: String(rv) } });
const expired = { kind: 'Status', status: 'Failure', code: 410, reason: 'Expired', message: 'too old resource version' } as const;

/** Plays a script onto a recording: `list@rv name@rv..`, `connect@rv`, `ADDED name@rv`, `ERROR code`. */
function played(...script: string[]): InformerRecording {
  const recording = recordInformer();
  const { observer } = recording;
  for (const line of script) {
    const [verb, ...args] = line.split(' ');
    const at = (s: string) => s.split('@') as [string, string];
    if (verb!.startsWith('list@')) observer.onList?.(at(verb!)[1], args.map((a) => object(at(a)[0], Number(at(a)[1]))));
    else if (verb!.startsWith('connect@')) observer.onConnect?.(at(verb!)[1]);
    else if (verb === 'ERROR') observer.onFrame?.('ERROR', args[0] === '410' ? expired : { ...expired, code: Number(args[0]), reason: 'InternalError' as const });
    else observer.onFrame?.(verb as 'ADDED', object(...(([n, rv]) => [n, Number(rv)] as const)(at(args[0]!))));
  }
  return recording;
}
const checked = (recording: InformerRecording) => checkInformerEpochs(recording.epochs, 'informer');

describe('the informer watch check', () => {
  test('passes a list, a watch, a resume from where it stopped, a 410 and a re-list', () => {
    const { summary } = checked(played('list@10 a@5', 'connect@10', 'MODIFIED a@11', 'ADDED b@12', 'connect@12', 'DELETED a@14', 'BOOKMARK x@20', 'connect@20', 'ERROR 410', 'list@30 b@12', 'connect@30', 'ADDED c@31'));
    assert.deepEqual(summary, { lists: 2, sessions: 4, resumes: 2, events: 4, expired: 1 });
  });

  test('fails events out of order', () => {
    assert.throws(() => checked(played('list@10', 'connect@10', 'ADDED a@12', 'ADDED b@11')), /out of order/);
  });

  test('fails a duplicate event', () => {
    assert.throws(() => checked(played('list@10', 'connect@10', 'ADDED a@12', 'ADDED a@12')), /duplicate/);
  });

  test('fails an event at or before the resourceVersion the session started from', () => {
    assert.throws(() => checked(played('list@10', 'connect@10', 'ADDED a@10')), /out of order.*started there/);
  });

  test('fails a resume past where the watch stopped: a gap', () => {
    assert.throws(() => checked(played('list@10', 'connect@10', 'ADDED a@12', 'connect@15', 'ADDED b@16')), /started from 15, not from 12/);
  });

  test('fails a resume before where the watch stopped: a repeat', () => {
    assert.throws(() => checked(played('list@10', 'connect@10', 'ADDED a@12', 'connect@10', 'ADDED a@12')), /started from 10, not from 12/);
  });

  test('fails a watch resumed after a 410 instead of a re-list', () => {
    assert.throws(() => checked(played('list@10', 'connect@10', 'ERROR 410', 'connect@10')), /410 Expired, yet the informer watched again/);
  });

  test('fails an ERROR other than 410, and frames after an ERROR', () => {
    assert.throws(() => checked(played('list@10', 'connect@10', 'ERROR 500')), /unexpected ERROR 500/);
    assert.throws(() => checked(played('list@10', 'connect@10', 'ERROR 410', 'ADDED a@11')), /frames after an ERROR/);
  });

  test('fails a gap against the reference watch', () => {
    const recording = played('list@10', 'connect@10', 'ADDED a@11', 'ADDED c@13');
    const ref = (type: WatchFrame['type'], name: string, rv: number): WatchFrame => ({ type, name, namespace: 'default', resourceVersion: rv, object: object(name, rv) });
    const reference = [ref('ADDED', 'a', 11), ref('ADDED', 'b', 12), ref('ADDED', 'c', 13)];
    const { events } = checked(recording);
    assert.throws(() => checkAgainstReference(recording.epochs, events[0]!, reference), /1 changes missing in \(10, 13\]: a gap/);
    assert.equal(checkAgainstReference(recording.epochs, events[0]!, reference.slice(0, 1)), 1, 'a reference that reached less is compared as far as it went');
  });

  test('fails a cache the events do not give', () => {
    const recording = played('list@10 a@5', 'connect@10', 'MODIFIED a@11', 'ADDED b@12');
    const { events } = checked(recording);
    checkCacheReplays(recording.epochs, events[0]!, { resourceVersion: '12', items: [object('a', 11), object('b', 12)] });
    checkCacheReplays(recording.epochs, events[0]!, { resourceVersion: '11', items: [object('a', 11)] });
    assert.throws(() => checkCacheReplays(recording.epochs, events[0]!, { resourceVersion: '12', items: [object('a', 5), object('b', 12)] }), /do not lead to the state listed/);
  });

  test('a real informer and its reference watch pass', async () => {
    const server = await startTestServer();
    try {
      const configMaps = new KubeClient({ server: server.url }).resource(kinds.ConfigMap, 'default');
      const write = (name: string, v: string) => configMaps.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { v } } satisfies ConfigMap);
      await write('before', '0');
      const watched = checkedInformer(configMaps, { reference: server.url });
      watched.informer.start();
      await watched.informer.waitForSync();
      for (let i = 0; i < 5; i++) await write(`cm-${i}`, String(i));
      await configMaps.patch('cm-1', { data: { v: 'x' } });
      await configMaps.delete('cm-2');
      const summary = await watched.check();
      assert.equal(summary.events, 7);
      assert.equal(summary.compared, 7);
      assert.deepEqual(watched.informer.list().map((c) => c.metadata?.name).sort(), ['before', 'cm-0', 'cm-1', 'cm-3', 'cm-4']);
    } finally {
      await server.close();
    }
  });

  test('a real informer resumed across its API server restart passes, compared with a watch on another server', async () => {
    const store = await openStore({ backend: 'memory', autoCompaction: false });
    const other = await startApiServer({ store });
    let server = await startApiServer({ store });
    try {
      const writer = new KubeClient({ server: other.url }).resource(kinds.ConfigMap, 'default');
      const resource = new KubeClient({ server: server.url }).resource(kinds.ConfigMap, 'default');
      const watched = checkedInformer(resource, { reference: other.url, backoff: { initialMs: 10, maxMs: 100, jitter: 0 } });
      watched.informer.start();
      await watched.informer.waitForSync();
      await writer.create({ metadata: { name: 'up' } });
      await server.close();
      await writer.create({ metadata: { name: 'down' } });
      await writer.delete('up');
      server = await startApiServer({ store, port: server.port });
      await writer.create({ metadata: { name: 'back' } });
      const summary = await watched.check();
      assert.ok(summary.resumes >= 1, JSON.stringify(summary));
      assert.equal(summary.compared, 4, JSON.stringify(summary));
    } finally {
      await server.close();
      await other.close();
      await store.close();
    }
  });
});
