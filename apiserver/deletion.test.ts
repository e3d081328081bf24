// Deletion and the garbage collector's finalizers, as upstream's generic
// store (deletionFinalizersForGarbageCollection) and the strategies'
// DefaultGarbageCollectionPolicy; and namespaces/<name>/finalize.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { finalizersForGarbageCollection } from './registry/deletion.js';
import { startTestServer, type TestServer } from './test-support.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

describe('finalizersForGarbageCollection (upstream store.go)', () => {
  const cases: { name: string; finalizers: string[]; options: object; policy?: 'DeleteDependents' | 'OrphanDependents' | 'Unsupported'; want: string[] }[] = [
    { name: 'no option, DeleteDependents kind: none', finalizers: [], options: {}, want: [] },
    { name: 'no option, OrphanDependents kind (v1 RC): orphan', finalizers: [], options: {}, policy: 'OrphanDependents', want: ['orphan'] },
    { name: 'Orphan asked', finalizers: ['x'], options: { propagationPolicy: 'Orphan' }, want: ['x', 'orphan'] },
    { name: 'Foreground asked', finalizers: [], options: { propagationPolicy: 'Foreground' }, want: ['foregroundDeletion'] },
    { name: 'Background on an orphaning kind: none', finalizers: [], options: { propagationPolicy: 'Background' }, policy: 'OrphanDependents', want: [] },
    { name: 'orphanDependents=true', finalizers: [], options: { orphanDependents: true }, want: ['orphan'] },
    { name: 'orphanDependents=false on an orphaning kind', finalizers: [], options: { orphanDependents: false }, policy: 'OrphanDependents', want: [] },
    { name: 'an orphan finalizer already there wins over the default', finalizers: ['orphan'], options: {}, want: ['orphan'] },
    { name: 'a foreground finalizer already there wins over the kind orphaning', finalizers: ['foregroundDeletion'], options: {}, policy: 'OrphanDependents', want: ['foregroundDeletion'] },
    { name: 'a new policy replaces the old finalizer', finalizers: ['a', 'orphan', 'b'], options: { propagationPolicy: 'Foreground' }, want: ['a', 'b', 'foregroundDeletion'] },
    { name: 'Background drops both', finalizers: ['foregroundDeletion', 'a'], options: { propagationPolicy: 'Background' }, want: ['a'] },
    { name: 'the same set keeps its order', finalizers: ['orphan', 'a'], options: { propagationPolicy: 'Orphan' }, want: ['orphan', 'a'] },
    { name: 'Unsupported: never added', finalizers: [], options: { propagationPolicy: 'Orphan' }, policy: 'Unsupported', want: [] },
  ];
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(finalizersForGarbageCollection(c.finalizers, c.options, c.policy ?? 'DeleteDependents'), c.want));
  }
});

const rc = (name: string) => ({
  metadata: { name },
  spec: { replicas: 0, selector: { app: name }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
});
const ds = (name: string) => ({
  metadata: { name },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
});

describe('deletion with propagation policies', () => {
  test('a ReplicationController deleted with no policy orphans by default (v1), answering 200 with the object', async () => {
    await server.call('POST', '/api/v1/namespaces/default/replicationcontrollers', rc('legacy'));
    const answer = await server.call('DELETE', '/api/v1/namespaces/default/replicationcontrollers/legacy');
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body.metadata.finalizers, ['orphan']);
    assert.ok(answer.body.metadata.deletionTimestamp);
  });

  test('a second delete with Background drops the orphan finalizer and the object goes, as upstream', async () => {
    const answer = await server.call('DELETE', '/api/v1/namespaces/default/replicationcontrollers/legacy', { propagationPolicy: 'Background' });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.kind, 'Status');
    assert.equal((await server.call('GET', '/api/v1/namespaces/default/replicationcontrollers/legacy')).status, 404);
  });

  test('a DaemonSet orphans by default when deleted as extensions/v1beta1 or apps/v1beta2, not as apps/v1', async () => {
    for (const [path, orphans] of [
      ['/apis/extensions/v1beta1', true],
      ['/apis/apps/v1beta2', true],
      ['/apis/apps/v1', false],
    ] as const) {
      await server.call('POST', '/apis/apps/v1/namespaces/default/daemonsets', ds('d'));
      const answer = await server.call('DELETE', `${path}/namespaces/default/daemonsets/d`);
      assert.equal(answer.status, 200, path);
      if (orphans) {
        assert.deepEqual(answer.body.metadata.finalizers, ['orphan'], path);
        await server.call('DELETE', `/apis/apps/v1/namespaces/default/daemonsets/d`, { propagationPolicy: 'Background' });
      } else {
        assert.equal(answer.body.kind, 'Status', path);
      }
      assert.equal((await server.call('GET', '/apis/apps/v1/namespaces/default/daemonsets/d')).status, 404, path);
    }
  });

  test('orphanDependents=false on an object kept for its finalizers answers 202', async () => {
    await server.call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'held', finalizers: ['example.com/hold'] } });
    const answer = await server.call('DELETE', '/api/v1/namespaces/default/configmaps/held', { orphanDependents: false });
    assert.equal(answer.status, 202);
    assert.deepEqual(answer.body.metadata.finalizers, ['example.com/hold']);
  });

  test('propagationPolicy and orphanDependents together are 422', async () => {
    const answer = await server.call('DELETE', '/api/v1/namespaces/default/configmaps/held', { orphanDependents: true, propagationPolicy: 'Orphan' });
    assert.equal(answer.status, 422);
    assert.match(answer.body.message, /orphanDependents and deletionPropagation cannot be both set/);
  });

  test('Foreground marks the object with foregroundDeletion; removing it finishes the deletion', async () => {
    await server.call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'fg' } });
    const answer = await server.call('DELETE', '/api/v1/namespaces/default/configmaps/fg', { propagationPolicy: 'Foreground' });
    assert.deepEqual(answer.body.metadata.finalizers, ['foregroundDeletion']);
    const patched = await server.call('PATCH', '/api/v1/namespaces/default/configmaps/fg', { metadata: { finalizers: null } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(patched.status, 200);
    assert.equal((await server.call('GET', '/api/v1/namespaces/default/configmaps/fg')).status, 404);
  });
});

describe('namespaces/<name>/finalize', () => {
  test('discovery lists namespaces/finalize with the verb update only', async () => {
    const v1 = await server.call('GET', '/api/v1');
    const finalize = (v1.body.resources as { name: string; verbs: string[] }[]).find((r) => r.name === 'namespaces/finalize');
    assert.deepEqual(finalize?.verbs, ['update']);
    assert.equal((await server.call('GET', '/api/v1/namespaces/default/finalize')).status, 405);
  });

  test('a new namespace has spec.finalizers [kubernetes]; an update cannot change them', async () => {
    const created = await server.call('POST', '/api/v1/namespaces', { metadata: { name: 'fin' } });
    assert.deepEqual(created.body.spec.finalizers, ['kubernetes']);
    const updated = await server.call('PUT', '/api/v1/namespaces/fin', { ...created.body, spec: { finalizers: [] } });
    assert.deepEqual(updated.body.spec.finalizers, ['kubernetes']);
  });

  test('a terminating namespace stays through status updates, and goes once finalize empties spec.finalizers', async () => {
    const deleted = await server.call('DELETE', '/api/v1/namespaces/fin');
    assert.equal(deleted.body.status.phase, 'Terminating');
    const status = await server.call(
      'PATCH',
      '/api/v1/namespaces/fin/status',
      { status: { conditions: [{ type: 'NamespaceContentRemaining', status: 'False', reason: 'ContentRemoved', message: 'All content successfully removed' }] } },
      { 'Content-Type': 'application/merge-patch+json' },
    );
    assert.equal(status.status, 200);
    const current = await server.call('GET', '/api/v1/namespaces/fin');
    assert.equal(current.status, 200, 'a status write does not delete it while spec.finalizers remain');
    // Only spec.finalizers is taken from a finalize; labels sent with it are ignored.
    const finalized = await server.call('PUT', '/api/v1/namespaces/fin/finalize', {
      ...current.body,
      metadata: { ...current.body.metadata, labels: { other: 'x' } },
      spec: { finalizers: [] },
    });
    assert.equal(finalized.status, 200);
    assert.deepEqual(finalized.body.spec.finalizers ?? [], []);
    assert.equal(finalized.body.metadata.labels.other, undefined);
    assert.equal((await server.call('GET', '/api/v1/namespaces/fin')).status, 404);
  });
});
