import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { ConfigMap } from 'kubernetes-types/core/v1.js';
import { startTestServer, type TestServer } from '../apiserver/test-support.js';
import { isExpired } from './errors.js';
import { kinds } from './kinds.js';
import { KubeClient, type ResourceClient } from './rest.js';
import { ResourceWatch, type WatchEvent, type WatchObserver } from './watch.js';

const fastBackoff = { initialMs: 10, maxMs: 50, jitter: 0 };

/** Reads `count` events other than BOOKMARKs from a watch. */
async function take<T extends ConfigMap>(watch: ResourceWatch<T>, count: number): Promise<WatchEvent<T>[]> {
  const events: WatchEvent<T>[] = [];
  for await (const event of watch) {
    if (event.type !== 'BOOKMARK') events.push(event);
    if (events.length === count) break;
  }
  return events;
}

describe('ResourceWatch', () => {
  let server: TestServer;
  let configMaps: ResourceClient<ConfigMap>;
  before(async () => {
    server = await startTestServer({ watch: { bookmarkIntervalMs: 30 }, watchCache: { historyCapacity: 50 } });
    configMaps = new KubeClient({ server: server.url }).resource(kinds.ConfigMap, 'default');
  });
  after(() => server.close());

  test('streams the changes after a list, in order', async () => {
    const rv = (await configMaps.list()).metadata.resourceVersion;
    const watch = new ResourceWatch(configMaps, { resourceVersion: rv, backoff: fastBackoff });
    const events = take(watch, 3);
    const created = await configMaps.create({ metadata: { name: 'streamed' } });
    await configMaps.update({ ...created, data: { x: '1' } });
    await configMaps.delete('streamed');
    assert.deepEqual(
      (await events).map((e) => `${e.type} ${e.object.metadata?.name}`),
      ['ADDED streamed', 'MODIFIED streamed', 'DELETED streamed'],
    );
  });

  test('remembers the resourceVersion of BOOKMARKs while nothing changes', async () => {
    const rv = (await configMaps.list()).metadata.resourceVersion;
    await client().resource(kinds.ConfigMap, 'kube-system').create({ metadata: { name: 'elsewhere' } });
    const watch = new ResourceWatch(configMaps, { resourceVersion: rv, backoff: fastBackoff });
    for await (const event of watch) {
      if (event.type === 'BOOKMARK' && Number(event.object.metadata?.resourceVersion) > Number(rv)) break;
    }
    assert.ok(Number(watch.resourceVersion) > Number(rv));
  });

  test('resumes from the last resourceVersion each time the server ends the connection, missing nothing', async () => {
    const rv = (await configMaps.list()).metadata.resourceVersion;
    // The observer hears each connection with the resourceVersion it resumes from: the last one received before it.
    const observed: string[] = [];
    const observer: WatchObserver = {
      onConnect: (from) => observed.push(`connect@${from}`),
      onFrame: (type, object) => observed.push(`${type}@${object.metadata?.resourceVersion}`),
    };
    const watch = new ResourceWatch(configMaps, { resourceVersion: rv, timeoutSeconds: 0.1, allowWatchBookmarks: false, backoff: fastBackoff, observer });
    const events = take(watch, 8);
    for (let i = 0; i < 8; i++) {
      await configMaps.create({ metadata: { name: `resumed-${i}` } });
      await delay(40);
    }
    assert.deepEqual(
      (await events).map((e) => e.object.metadata?.name),
      Array.from({ length: 8 }, (_, i) => `resumed-${i}`),
    );
    assert.ok(watch.connectionCount >= 3, `only ${watch.connectionCount} connections`);
    assert.equal(observed.filter((o) => o.startsWith('connect@')).length, watch.connectionCount);
    let last = rv;
    for (const o of observed) {
      const [what, at] = o.split('@');
      if (what === 'connect') assert.equal(at, last, observed.join(', '));
      else last = at;
    }
  });

  test('a resourceVersion older than the server keeps ends the watch with 410 Expired', async () => {
    const rv = (await configMaps.list()).metadata.resourceVersion;
    for (let i = 0; i < 60; i++) await configMaps.create({ metadata: { name: `churn-${i}` } });
    const watch = new ResourceWatch(configMaps, { resourceVersion: rv, backoff: fastBackoff });
    await assert.rejects(take(watch, 1), (e) => isExpired(e));
  });

  test('a reader that falls behind holds at most maxBufferedEvents, and still gets every event once', async () => {
    const rv = (await configMaps.list()).metadata.resourceVersion;
    const watch = new ResourceWatch(configMaps, { resourceVersion: rv, maxBufferedEvents: 4, allowWatchBookmarks: false, backoff: fastBackoff });
    for (let i = 0; i < 20; i++) await configMaps.create({ metadata: { name: `slow-${i}` } });
    await delay(100);
    assert.ok(watch.bufferedCount <= 4, `${watch.bufferedCount} buffered`);
    const events = await take(watch, 20);
    assert.deepEqual(
      events.map((e) => e.object.metadata?.name),
      Array.from({ length: 20 }, (_, i) => `slow-${i}`),
    );
  });

  function client(): KubeClient {
    return new KubeClient({ server: server.url });
  }
});
