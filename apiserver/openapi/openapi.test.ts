// What /openapi/v2 and /openapi/v3 serve: upstream's schemas for every
// served kind, and upstream's caching headers.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { resources } from '../../proto/index.js';
import { startTestServer, type TestServer } from '../test-support.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

const gvkOf = (schema: any) => schema['x-kubernetes-group-version-kind']?.[0];

describe('openapi v3', () => {
  test('the root lists each served group version with a hashed serverRelativeURL', async () => {
    const root = await server.call('GET', '/openapi/v3');
    const keys = Object.keys(root.body.paths);
    for (const key of ['api/v1', 'apis/apps/v1', 'apis/coordination.k8s.io/v1', 'apis/extensions/v1beta1']) assert.ok(keys.includes(key), key);
    assert.match(root.body.paths['apis/apps/v1'].serverRelativeURL, /^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/);
  });

  test('every served kind and its list has a schema with its group-version-kind, and nothing unserved does (legacy versions: no schemas to read)', async () => {
    const root = await server.call('GET', '/openapi/v3');
    const kinds = new Set<string>();
    for (const { serverRelativeURL } of Object.values<any>(root.body.paths)) {
      const doc = await server.call('GET', serverRelativeURL);
      for (const schema of Object.values<any>(doc.body.components.schemas)) {
        const gvk = gvkOf(schema);
        if (gvk) kinds.add(`${gvk.group}/${gvk.version}/${gvk.kind}`);
      }
    }
    for (const r of resources.filter((r) => !r.storage)) {
      assert.ok(kinds.has(`${r.group}/${r.version}/${r.kind}`), r.kind);
      // The reviews are only created: no list, as upstream's.
      assert.equal(kinds.has(`${r.group}/${r.version}/${r.kind}List`), r.verbs.includes('list'), `${r.kind}List`);
    }
    assert.ok(![...kinds].some((k) => k.endsWith('/Deployment')), 'Deployments are not served');
  });

  test('JSONSchemaProps has the x-kubernetes-* fields kubernetes-types drops, and its unions and JSON name no type, as upstream', async () => {
    const schemas = (await server.call('GET', '/openapi/v3/apis/apiextensions.k8s.io/v1')).body.components.schemas;
    const v1 = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.';
    const props = schemas[`${v1}JSONSchemaProps`].properties;
    assert.equal(props['x-kubernetes-preserve-unknown-fields'].type, 'boolean');
    assert.deepEqual(props['x-kubernetes-validations'].items, { $ref: `#/components/schemas/${v1}ValidationRule` });
    assert.ok(schemas[`${v1}ValidationRule`]);
    for (const name of ['JSON', 'JSONSchemaPropsOrArray', 'JSONSchemaPropsOrBool', 'JSONSchemaPropsOrStringArray']) {
      assert.deepEqual(Object.keys(schemas[v1 + name]), ['description'], name);
    }
  });

  test('a schema carries upstream descriptions, references and patch strategies', async () => {
    const apps = (await server.call('GET', '/openapi/v3/apis/apps/v1')).body;
    const schemas = apps.components.schemas;
    const rolling = schemas['io.k8s.api.apps.v1.RollingUpdateDaemonSet'];
    assert.match(rolling.properties.maxSurge.description, /^The maximum number of nodes with an existing available DaemonSet pod/);
    assert.deepEqual(rolling.properties.maxSurge.allOf, [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString' }]);
    assert.deepEqual(schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].oneOf, [{ type: 'integer' }, { type: 'string' }]);
    const containers = schemas['io.k8s.api.core.v1.PodSpec'].properties.containers;
    assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
    assert.equal(containers['x-kubernetes-patch-strategy'], 'merge');
    for (const meta of ['Status', 'DeleteOptions', 'WatchEvent', 'APIResourceList', 'ObjectMeta']) {
      assert.ok(schemas[`io.k8s.apimachinery.pkg.apis.meta.v1.${meta}`], meta);
    }
    const post = apps.paths['/apis/apps/v1/namespaces/{namespace}/daemonsets'].post;
    assert.equal(post.requestBody.content['application/json'].schema.$ref, '#/components/schemas/io.k8s.api.apps.v1.DaemonSet');
    assert.ok(post.parameters.some((p: any) => p.name === 'fieldValidation'));
  });

  test('a document asked for by its hash is immutable for a year; its etag answers 304; an old hash is redirected', async () => {
    const url = (await server.call('GET', '/openapi/v3')).body.paths['api/v1'].serverRelativeURL as string;
    const doc = await server.call('GET', url);
    assert.equal(doc.headers.get('cache-control'), 'public, immutable');
    assert.ok(Date.parse(doc.headers.get('expires')!) > Date.now() + 300 * 24 * 3600 * 1000);
    const etag = doc.headers.get('etag')!;
    assert.equal(etag, `"${url.split('hash=')[1]}"`);
    const again = await fetch(server.url + '/openapi/v3/api/v1', { headers: { 'If-None-Match': etag } });
    assert.equal(again.status, 304);
    const old = await fetch(server.url + '/openapi/v3/api/v1?hash=0123', { redirect: 'manual' });
    assert.equal(old.status, 301);
    assert.equal(old.headers.get('location'), url);
    assert.equal((await server.call('GET', '/openapi/v3/apis/batch/v1')).status, 404);
  });
});

describe('openapi v2', () => {
  test('answers swagger 2.0 JSON with every definition, protobuf to a client that takes only protobuf (gnostic.test.ts), and 406 to one that takes neither', async () => {
    const v2 = await server.call('GET', '/openapi/v2', undefined, { Accept: 'application/json' });
    assert.equal(v2.body.swagger, '2.0');
    assert.equal(gvkOf(v2.body.definitions['io.k8s.api.core.v1.Pod']).kind, 'Pod');
    assert.equal(v2.body.definitions['io.k8s.api.core.v1.PodSpec'].properties.containers.items.$ref, '#/definitions/io.k8s.api.core.v1.Container');
    assert.ok(v2.body.paths['/api/v1/namespaces/{namespace}/pods/{name}'].get);
    const protobuf = await server.call('GET', '/openapi/v2', undefined, { Accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' });
    assert.equal(protobuf.status, 200);
    assert.equal(protobuf.headers.get('content-type'), 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    assert.equal((await server.call('GET', '/openapi/v2', undefined, { Accept: 'application/xml' })).status, 406);
  });
});
