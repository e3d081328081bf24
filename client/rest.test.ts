import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ConfigMap } from 'kubernetes-types/core/v1.js';
import { ApiError } from '../proto/index.js';
import { startTestServer, type TestServer } from '../apiserver/test-support.js';
import { isAlreadyExists, isConflict, isInvalid, isNotFound, ServerUnreachableError } from './errors.js';
import { kinds } from './kinds.js';
import { KubeClient } from './rest.js';

const pod = (name: string, labels: Record<string, string> = {}) => ({
  metadata: { name, labels },
  spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] },
});

describe('KubeClient', () => {
  let server: TestServer;
  let client: KubeClient;
  before(async () => {
    server = await startTestServer();
    client = new KubeClient({ server: server.url });
  });
  after(() => server.close());

  test('creates, gets, updates, patches and deletes a ConfigMap', async () => {
    const configMaps = client.resource(kinds.ConfigMap, 'default');
    const created = await configMaps.create({ metadata: { name: 'crud' }, data: { a: '1' } });
    assert.ok(created.metadata?.uid);
    const got = await configMaps.get('crud');
    assert.deepEqual(got.data, { a: '1' });
    const updated = await configMaps.update({ ...got, data: { a: '2' } });
    assert.notEqual(updated.metadata?.resourceVersion, got.metadata?.resourceVersion);
    const merged = await configMaps.patch('crud', { data: { b: '3' } }, 'merge');
    assert.deepEqual(merged.data, { a: '2', b: '3' });
    const jsonPatched = await configMaps.patch('crud', [{ op: 'remove', path: '/data/a' }], 'json');
    assert.deepEqual(jsonPatched.data, { b: '3' });
    const strategic = await configMaps.patch('crud', { metadata: { labels: { tier: 'web' } } }, 'strategic');
    assert.deepEqual(strategic.metadata?.labels, { tier: 'web' });
    await configMaps.delete('crud');
    await assert.rejects(configMaps.get('crud'), (e) => isNotFound(e));
  });

  test('lists with a label selector, and pages with limit and continue', async () => {
    const pods = client.resource(kinds.Pod, 'default');
    for (const name of ['l1', 'l2', 'l3']) await pods.create(pod(name, { app: 'listed' }));
    await pods.create(pod('other', { app: 'other' }));
    const selected = await pods.list({ labelSelector: 'app=listed' });
    assert.deepEqual(selected.items.map((p) => p.metadata?.name).sort(), ['l1', 'l2', 'l3']);
    assert.ok(selected.metadata.resourceVersion);
    const first = await pods.list({ labelSelector: 'app=listed', limit: 2 });
    assert.equal(first.items.length, 2);
    assert.ok(first.metadata.continue);
    const rest = await pods.list({ labelSelector: 'app=listed', limit: 2, continue: first.metadata.continue });
    assert.deepEqual([...first.items, ...rest.items].map((p) => p.metadata?.name).sort(), ['l1', 'l2', 'l3']);
  });

  test('a missing object is a thrown NotFound carrying the Status details', async () => {
    const error = await client
      .resource(kinds.Pod, 'default')
      .get('absent')
      .catch((e: unknown) => e);
    assert.ok(error instanceof ApiError);
    assert.equal(error.code, 404);
    assert.equal(error.reason, 'NotFound');
    assert.equal(error.message, 'pods "absent" not found');
    assert.equal(error.details?.name, 'absent');
  });

  test('creating an existing name is AlreadyExists, and a stale update is Conflict', async () => {
    const configMaps = client.resource(kinds.ConfigMap, 'default');
    const created = await configMaps.create({ metadata: { name: 'twice' } });
    await assert.rejects(configMaps.create({ metadata: { name: 'twice' } }), (e) => isAlreadyExists(e) && (e as ApiError).code === 409);
    await configMaps.update({ ...created, data: { x: '1' } });
    await assert.rejects(configMaps.update({ ...created, data: { x: '2' } }), (e) => isConflict(e) && (e as ApiError).code === 409);
  });

  test('an invalid object is a 422 whose causes name the fields', async () => {
    const error = await client
      .resource(kinds.Pod, 'default')
      .create({ metadata: { name: 'bad' }, spec: { containers: [{ name: 'app' }] } })
      .catch((e: unknown) => e);
    assert.ok(isInvalid(error));
    const apiError = error as ApiError;
    assert.equal(apiError.code, 422);
    assert.ok(apiError.details?.causes?.some((c) => c.field === 'spec.containers[0].image'));
  });

  test('delete honours preconditions', async () => {
    const configMaps = client.resource(kinds.ConfigMap, 'default');
    await configMaps.create({ metadata: { name: 'guarded' } });
    await assert.rejects(configMaps.delete('guarded', { preconditions: { uid: 'not-its-uid' } }), (e) => isConflict(e));
    await configMaps.delete('guarded', { propagationPolicy: 'Background', gracePeriodSeconds: 0 });
    await assert.rejects(configMaps.get('guarded'), (e) => isNotFound(e));
  });

  test('status, scale and binding subresources', async () => {
    const pods = client.resource(kinds.Pod, 'default');
    await pods.create(pod('bound'));
    await client.resource(kinds.Node).create({ metadata: { name: 'node-a' } });
    await pods.bind('bound', { metadata: { name: 'bound' }, target: { kind: 'Node', name: 'node-a' } });
    const bound = await pods.get('bound');
    assert.equal(bound.spec?.nodeName, 'node-a');
    const withStatus = await pods.updateStatus({ ...bound, status: { ...bound.status, phase: 'Running' } });
    assert.equal(withStatus.status?.phase, 'Running');

    const rcs = client.resource(kinds.ReplicationController, 'default');
    await rcs.create({
      metadata: { name: 'scaled' },
      spec: { replicas: 1, selector: { app: 's' }, template: { metadata: { labels: { app: 's' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
    });
    const scale = await rcs.getScale('scaled');
    assert.equal(scale.spec?.replicas, 1);
    await rcs.updateScale('scaled', { ...scale, spec: { replicas: 3 } });
    assert.equal((await rcs.get('scaled')).spec?.replicas, 3);
  });

  test('fails over to the next server when the first cannot be reached', async () => {
    const failing = new KubeClient({ server: ['http://127.0.0.1:1', server.url] });
    const got = await failing.resource(kinds.Namespace).get('default');
    assert.equal(got.metadata?.name, 'default');
    assert.equal(failing.server, server.url);
  });

  test('no reachable server is a ServerUnreachableError', async () => {
    const nowhere = new KubeClient({ server: ['http://127.0.0.1:1', 'http://127.0.0.1:2'] });
    await assert.rejects(nowhere.resource(kinds.Namespace).get('default'), (e) => e instanceof ServerUnreachableError);
  });

  test('sends its user agent', async () => {
    const agents: string[] = [];
    const recording = new KubeClient({
      server: server.url,
      userAgent: 'tests/1.0',
      fetch: (input, init) => {
        agents.push(new Headers(init?.headers).get('User-Agent') ?? '');
        return fetch(input, init);
      },
    });
    const cm: ConfigMap = await recording.resource(kinds.ConfigMap, 'kube-system').create({ metadata: { name: 'ua' } });
    assert.equal(cm.metadata?.name, 'ua');
    assert.deepEqual(agents, ['tests/1.0']);
  });
});
