import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { ConfigMap, Pod } from 'kubernetes-types/core/v1.js';
import { startApiServer, type RunningApiServer } from '../apiserver/index.js';
import { startTestServer, type TestServer } from '../apiserver/test-support.js';
import type { Status } from '../proto/index.js';
import { openStore, type MvccStore } from '../store/index.js';
import { FakeClock } from './fake-clock.js';
import { objectKey } from './indexer.js';
import { Informer, type EventHandlers } from './informer.js';
import type { ListWatchObserver } from './reflector.js';
import { kinds } from './kinds.js';
import { KubeClient, type KubeObject } from './rest.js';

const fastBackoff = { initialMs: 10, maxMs: 100, jitter: 0 };

const pod = (name: string, namespace: string, nodeName?: string): Pod => ({
  metadata: { name, namespace },
  spec: { containers: [{ name: 'app', image: 'nginx:1.27' }], ...(nodeName ? { nodeName } : {}) },
});

/** Resolves once `condition` holds, polling; fails the test after `ms`. */
async function eventually(condition: () => boolean, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await delay(5);
  }
}

/** What handlers told, replayed into a map: it must end equal to the server's state. */
function recordingHandlers<T extends KubeObject>() {
  const seen = new Map<string, string>();
  const log: string[] = [];
  const handlers: EventHandlers<T> = {
    onAdd: (o) => {
      log.push(`add ${objectKey(o)}`);
      seen.set(objectKey(o), o.metadata!.resourceVersion!);
    },
    onUpdate: (old, o) => {
      if (old !== o) log.push(`update ${objectKey(o)}`);
      seen.set(objectKey(o), o.metadata!.resourceVersion!);
    },
    onDelete: (o, finalStateUnknown) => {
      log.push(`delete ${objectKey(o)}${finalStateUnknown ? ' (relist)' : ''}`);
      seen.delete(objectKey(o));
    },
  };
  return { seen, log, handlers };
}

describe('Informer', () => {
  let server: TestServer;
  let client: KubeClient;
  before(async () => {
    server = await startTestServer();
    client = new KubeClient({ server: server.url });
  });
  after(() => server.close());

  test('lists, then hears of adds, updates and deletes, and indexes by namespace and node', async () => {
    const pods = client.resource(kinds.Pod);
    await client.resource(kinds.Namespace).create({ metadata: { name: 'inf' } });
    await pods.create(pod('before', 'inf', 'node-a'));
    const informer = new Informer(pods, {
      backoff: fastBackoff,
      indexers: { nodeName: (p: Pod) => (p.spec?.nodeName ? [p.spec.nodeName] : []) },
    });
    const { log, handlers } = recordingHandlers<Pod>();
    informer.addEventHandler(handlers);
    informer.start();
    assert.equal(await informer.waitForSync(), true);
    assert.ok(informer.hasSynced());
    assert.deepEqual(log, ['add inf/before']);

    await pods.create(pod('after', 'inf', 'node-b'));
    const inNamespace = client.resource(kinds.Pod, 'inf');
    const current = await inNamespace.get('before');
    await inNamespace.update({ ...current, metadata: { ...current.metadata, labels: { touched: 'yes' } } });
    await inNamespace.delete('after', { gracePeriodSeconds: 0 });
    await eventually(() => log.length >= 4, 'four events');
    assert.deepEqual(log, ['add inf/before', 'add inf/after', 'update inf/before', 'delete inf/after']);
    assert.deepEqual(
      informer.byIndex('namespace', 'inf').map((p) => p.metadata?.name),
      ['before'],
    );
    assert.deepEqual(
      informer.byIndex('nodeName', 'node-a').map((p) => p.metadata?.name),
      ['before'],
    );
    assert.deepEqual(informer.byIndex('nodeName', 'node-b'), []);
    await informer.stop();
  });

  test('a resync delivers every cached object again to onUpdate', async () => {
    const clock = new FakeClock();
    const configMaps = client.resource(kinds.ConfigMap, 'default');
    await configMaps.create({ metadata: { name: 'resynced' } });
    const informer = new Informer(configMaps, { resyncPeriodMs: 30_000, clock, backoff: fastBackoff });
    const resynced: string[] = [];
    informer.addEventHandler({ onUpdate: (old, o) => void (old === o && resynced.push(objectKey(o))) });
    informer.start();
    await informer.waitForSync();
    clock.step(29_999);
    assert.equal(resynced.length, 0);
    clock.step(1);
    assert.ok(resynced.includes('default/resynced'));
    const once = resynced.length;
    clock.step(30_000);
    assert.equal(resynced.length, once * 2);
    await informer.stop();
  });

  test('a handler added late hears of the cached objects as adds', async () => {
    const configMaps = client.resource(kinds.ConfigMap, 'kube-system');
    await configMaps.create({ metadata: { name: 'late' } });
    const informer = new Informer(configMaps, { backoff: fastBackoff });
    informer.start();
    await informer.waitForSync();
    const added: string[] = [];
    informer.addEventHandler({ onAdd: (o) => added.push(objectKey(o)) });
    assert.ok(added.includes('kube-system/late'));
    await informer.stop();
  });

  test('waitForSync answers false when the informer stops before its first list', async () => {
    const nowhere = new KubeClient({ server: 'http://127.0.0.1:1' });
    const informer = new Informer(nowhere.resource(kinds.ConfigMap), { backoff: fastBackoff });
    informer.start();
    const synced = informer.waitForSync();
    await delay(20);
    await informer.stop();
    assert.equal(await synced, false);
  });
});

describe('Informer across an API server restart', () => {
  let store: MvccStore;
  let other: RunningApiServer;
  before(async () => {
    store = await openStore({ backend: 'memory', autoCompaction: false });
    // A second API server over the same store: writes go on while the informer's is down.
    other = await startApiServer({ store });
  });
  after(async () => {
    await other.close();
    await store.close();
  });

  async function informerOn(url: string, observer?: ListWatchObserver) {
    const informer = new Informer(new KubeClient({ server: url }).resource(kinds.ConfigMap, 'default'), { backoff: fastBackoff, observer });
    const recording = recordingHandlers<ConfigMap>();
    informer.addEventHandler(recording.handlers);
    informer.start();
    await informer.waitForSync();
    return { informer, ...recording };
  }

  async function serverState(): Promise<Map<string, string>> {
    const list = await new KubeClient({ server: other.url }).resource(kinds.ConfigMap, 'default').list();
    return new Map(list.items.map((o) => [objectKey(o), o.metadata!.resourceVersion!]));
  }

  test('misses no change made while its server was down or just after it came back', async () => {
    const writer = new KubeClient({ server: other.url }).resource(kinds.ConfigMap, 'default');
    let server = await startApiServer({ store });
    const { informer, seen, log } = await informerOn(server.url);
    await writer.create({ metadata: { name: 'r-before' } });
    await eventually(() => seen.has('default/r-before'), 'the first add');

    await server.close();
    await writer.create({ metadata: { name: 'r-down' } });
    const doomed = await writer.create({ metadata: { name: 'r-doomed' } });
    await writer.patch('r-before', { data: { v: 'while-down' } });
    await writer.delete(doomed.metadata!.name!);
    server = await startApiServer({ store, port: server.port });
    await writer.create({ metadata: { name: 'r-after' } });

    const expected = await serverState();
    await eventually(() => informer.resourceVersion === String(store.revision), 'the informer to catch up');
    assert.deepEqual(new Map(informer.list().map((o) => [objectKey(o), o.metadata!.resourceVersion!])), expected);
    assert.deepEqual(seen, expected);
    assert.ok(log.includes('add default/r-down') && log.includes('delete default/r-doomed') && log.includes('add default/r-after'));
    assert.equal(informer.listCount, 1, 'resumed from its resourceVersion, no re-list');
    await informer.stop();
    await server.close();
  });

  test('re-lists when its resourceVersion was compacted away, and reports the difference', async () => {
    const writer = new KubeClient({ server: other.url }).resource(kinds.ConfigMap, 'default');
    await writer.create({ metadata: { name: 'c-kept' } });
    await writer.create({ metadata: { name: 'c-gone' } });
    let server = await startApiServer({ store });
    const observed: string[] = [];
    const observer: ListWatchObserver = {
      onList: (rv, items) => observed.push(`list@${rv} ${items.length}`),
      onConnect: (rv) => observed.push(`connect@${rv}`),
      onFrame: (type, object) => observed.push(type === 'ERROR' ? `ERROR ${(object as Status).code}` : `${type}@${object.metadata?.resourceVersion}`),
    };
    const { informer, seen, log } = await informerOn(server.url, observer);
    const listedAt = informer.resourceVersion;
    log.length = 0;

    await server.close();
    await writer.delete('c-gone');
    await writer.patch('c-kept', { data: { v: '2' } });
    await writer.create({ metadata: { name: 'c-new' } });
    await store.compact(store.revision);
    server = await startApiServer({ store, port: server.port });

    await eventually(() => informer.listCount === 2, 'a re-list');
    const expected = await serverState();
    await eventually(() => seen.size === expected.size, 'the cache to settle');
    assert.deepEqual(seen, expected);
    assert.deepEqual(log.sort(), ['add default/c-new', 'delete default/c-gone (relist)', 'update default/c-kept']);
    // The observer heard the list, the watch from it, the resume from the same place, the 410 in the stream and the re-list.
    const relisted = observed.findIndex((o, i) => i > 0 && o.startsWith('list@'));
    assert.ok(observed[0]!.startsWith(`list@${listedAt} `) && observed[1] === `connect@${listedAt}`, observed.join(', '));
    assert.ok(observed.slice(2, relisted).every((o) => o === `connect@${listedAt}` || o === 'ERROR 410'), observed.join(', '));
    assert.equal(observed[relisted - 1], 'ERROR 410', observed.join(', '));
    assert.equal(observed[relisted + 1], `connect@${informer.resourceVersion}`, observed.join(', '));
    await informer.stop();
    await server.close();
  });
});
