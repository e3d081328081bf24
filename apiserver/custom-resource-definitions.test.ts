// CustomResourceDefinitions: kubelab serves no custom resources, so the
// resource is read-only and always empty. It is served at all because
// kubectl's client-side validation lists CRDs before it checks a kind that
// has no PATCH operation (the reviews, Binding, Eviction). Every write is
// refused with 405 MethodNotAllowed, and says why.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { readWatch, startTestServer, type TestServer } from './test-support.js';

const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const REFUSAL = 'kubelab does not serve custom resources: CustomResourceDefinitions can be listed, never created';

const crontab = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'crontabs.stable.example.com' },
  spec: {
    group: 'stable.example.com',
    scope: 'Namespaced',
    names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab' },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }],
  },
};

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

describe('CustomResourceDefinitions, listed and never created', () => {
  test('discovery lists the resource with the verbs served: get, list and watch', async () => {
    const list = await server.call('GET', '/apis/apiextensions.k8s.io/v1');
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.resources, [
      {
        name: 'customresourcedefinitions',
        singularName: 'customresourcedefinition',
        namespaced: false,
        kind: 'CustomResourceDefinition',
        verbs: ['get', 'list', 'watch'],
        shortNames: ['crd', 'crds'],
        categories: ['api-extensions'],
      },
    ]);
  });

  test('OpenAPI v3 has its schema and a GET alone on each path, so kubectl validates its writes without a PATCH operation', async () => {
    const document = await server.call('GET', '/openapi/v3/apis/apiextensions.k8s.io/v1');
    assert.equal(document.status, 200);
    assert.deepEqual(
      Object.entries(document.body.paths as Record<string, object>).map(([path, operations]) => `${path} ${Object.keys(operations).join(',')}`),
      [`${CRDS} get`, `${CRDS}/{name} get`],
    );
    assert.ok(document.body.components.schemas['io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition']);
  });

  test('the list is empty, with a resourceVersion', async () => {
    const list = await server.call('GET', CRDS);
    assert.equal(list.status, 200);
    assert.equal(list.body.kind, 'CustomResourceDefinitionList');
    assert.equal(list.body.apiVersion, 'apiextensions.k8s.io/v1');
    assert.deepEqual(list.body.items, []);
    assert.match(list.body.metadata.resourceVersion, /^\d+$/);
  });

  test('as a Table, the list has upstream default columns, NAME and CREATED AT, and no rows', async () => {
    const table = await server.call('GET', CRDS, undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    assert.equal(table.status, 200);
    assert.equal(table.body.kind, 'Table');
    assert.deepEqual(
      table.body.columnDefinitions.map((c: { name: string; type: string }) => `${c.name} ${c.type}`),
      ['Name string', 'Created At date'],
    );
    assert.deepEqual(table.body.rows, []);
  });

  test('a get is 404 NotFound naming the resource and its group', async () => {
    const got = await server.call('GET', `${CRDS}/crontabs.stable.example.com`);
    assert.equal(got.status, 404);
    assert.equal(got.body.reason, 'NotFound');
    assert.equal(got.body.message, 'customresourcedefinitions.apiextensions.k8s.io "crontabs.stable.example.com" not found');
  });

  test('a watch sees no event until its timeout', async () => {
    const events = await readWatch(`${server.url}${CRDS}?watch=true&timeoutSeconds=1`, 1);
    assert.deepEqual(events, []);
  });

  test('a watch with sendInitialEvents sends only the bookmark that ends the (empty) initial list', async () => {
    const events = await readWatch(`${server.url}${CRDS}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`, 1);
    assert.equal(events[0].type, 'BOOKMARK');
    assert.equal(events[0].object.metadata.annotations['k8s.io/initial-events-end'], 'true');
  });

  const writes: [string, string, unknown][] = [
    ['create', 'POST', crontab],
    ['create, as a dry run', 'POST', crontab],
    ['update', 'PUT', crontab],
    ['patch', 'PATCH', { metadata: { labels: { a: 'b' } } }],
    ['delete', 'DELETE', undefined],
    ['deletecollection', 'DELETE', undefined],
  ];
  for (const [verb, method, body] of writes) {
    test(`a ${verb} is 405 MethodNotAllowed, says custom resources are not served, and stores nothing`, async () => {
      const named = verb === 'create' || verb.startsWith('create,') || verb === 'deletecollection' ? '' : `/${crontab.metadata.name}`;
      const query = verb.includes('dry run') ? '?dryRun=All' : '';
      const headers = method === 'PATCH' ? { 'Content-Type': 'application/merge-patch+json' } : undefined;
      const answer = await server.call(method, `${CRDS}${named}${query}`, body, headers);
      assert.equal(answer.status, 405);
      assert.deepEqual(answer.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: REFUSAL, reason: 'MethodNotAllowed', code: 405 });
      const list = await server.call('GET', CRDS);
      assert.deepEqual(list.body.items, []);
    });
  }

  test('a body that is not JSON is refused the same way, before it is read', async () => {
    const answer = await server.call('POST', CRDS, '{not json');
    assert.equal(answer.status, 405);
    assert.equal(answer.body.message, REFUSAL);
  });
});
