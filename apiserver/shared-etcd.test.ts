// Two API servers on one etcd (DESIGN.md "Distributed mode"): what one
// writes the other serves and watches, at the same resourceVersions, and
// optimistic concurrency holds across them. Skipped where etcd is not
// installed; the etcd member is started here on free loopback ports and
// stopped by its pid.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { findEtcd, startEtcd, type EtcdServer } from '../bench/etcd.js';
import { resources } from '../proto/index.js';
import { openEtcdStore, systemClock, type EtcdStore } from '../store/index.js';
import { strategies } from './registry/index.js';
import { sharedObject } from './registry/object-store.js';
import { Registry } from './registry/registry.js';
import { readWatch, startTestServer, type TestServer } from './test-support.js';

const skip = findEtcd() ? false : 'etcd is not installed (no /usr/bin/etcd): apt-get install etcd-server';
const configmaps = '/api/v1/namespaces/default/configmaps';

describe('two API servers on one etcd', { skip }, () => {
  let etcd: EtcdServer | undefined;
  const stores: EtcdStore[] = [];
  const servers: TestServer[] = [];
  let one: TestServer;
  let other: TestServer;

  before(async () => {
    etcd = await startEtcd();
    for (let i = 0; i < 2; i++) {
      const store = await openEtcdStore({ endpoints: [etcd!.endpoint], keyPrefix: '/lab' });
      stores.push(store);
      servers.push(await startTestServer({ store }));
    }
    [one, other] = servers as [TestServer, TestServer];
  });

  after(async () => {
    for (const server of servers) await server.close();
    for (const store of stores) await store.close();
    await etcd?.stop();
  });

  test('a create through one is seen by a watch on the other, at the same resourceVersion', async () => {
    const listed = await other.call('GET', configmaps);
    assert.equal(listed.status, 200);
    const from = listed.body.metadata.resourceVersion as string;
    const watched = readWatch(`${other.url}${configmaps}?watch=true&resourceVersion=${from}`, 1);
    const created = await one.call('POST', configmaps, { metadata: { name: 'shared' }, data: { a: '1' } });
    assert.equal(created.status, 201);
    const [event] = await watched;
    assert.equal(event.type, 'ADDED');
    assert.equal(event.object.metadata.name, 'shared');
    assert.equal(event.object.metadata.resourceVersion, created.body.metadata.resourceVersion);
    assert.equal(event.object.metadata.uid, created.body.metadata.uid);
    const read = await other.call('GET', `${configmaps}/shared`);
    assert.equal(read.body.metadata.resourceVersion, created.body.metadata.resourceVersion);
  });

  test('an update with a stale resourceVersion through the other is 409 Conflict', async () => {
    const created = await one.call('POST', configmaps, { metadata: { name: 'contended' }, data: { a: '1' } });
    const stale = created.body;
    const updated = await one.call('PUT', `${configmaps}/contended`, { ...stale, data: { a: '2' } });
    assert.equal(updated.status, 200);
    assert.notEqual(updated.body.metadata.resourceVersion, stale.metadata.resourceVersion);
    const refused = await other.call('PUT', `${configmaps}/contended`, { ...stale, data: { a: '3' } });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.reason, 'Conflict');
    const read = await other.call('GET', `${configmaps}/contended`);
    assert.deepEqual([read.body.data.a, read.body.metadata.resourceVersion], ['2', updated.body.metadata.resourceVersion]);
  });

  test('a server finds its own write in the watch by key and modRevision, though etcd hands back new bytes', async () => {
    const [store, otherStore] = stores as [EtcdStore, EtcdStore];
    const configMaps = new Registry(store, strategies, systemClock).of(resources.find((r) => r.plural === 'configmaps')!);
    const watch = store.watch('/registry/core/configmaps/default/own');
    const written = await configMaps.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'own', namespace: 'default' }, data: { a: '1' } });
    for await (const [event] of watch) {
      assert.equal(sharedObject(event!.kv, store), written, 'the object this server wrote, not a parse of it');
      const parsed = sharedObject(event!.kv, otherStore);
      assert.notEqual(parsed, written, 'another server parses it');
      assert.deepEqual(parsed, written);
      break;
    }
  });
});
