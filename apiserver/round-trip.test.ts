// Round trips: a valid object of every served kind, at every served version
// (legacy ones included), through create, get and update. What a get answers
// is encoded canonically (two gets give the same bytes, and decoding and
// encoding them again gives them back), and an update with the object got
// back changes nothing: as upstream's GuaranteedUpdate, a write that would
// store the same bytes is not made, so resourceVersion and generation stay.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { resources } from '../proto/index.js';
import { exampleObjects, startTestServer, type TestServer } from './test-support.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

/** The raw text of a GET, to compare bytes. */
async function getText(path: string): Promise<string> {
  const response = await fetch(server.url + path);
  assert.equal(response.status, 200, `GET ${path}`);
  return response.text();
}

// The reviews are answered, never stored, and CustomResourceDefinitions are never created
// (kubelab serves no custom resources): nothing to get back.
for (const resource of resources.filter((r) => r.verbs.includes('create') && r.verbs.includes('get'))) {
  const version = resource.group ? `${resource.group}/${resource.version}` : resource.version;
  test(`a ${resource.kind} at ${version} goes through create, get and update unchanged`, async () => {
    const example = exampleObjects.find((o) => o.kind === resource.kind);
    assert.ok(example, `an example ${resource.kind}`);
    const name = `round-trip-${resource.version}`;
    const object = { ...structuredClone(example), apiVersion: version, metadata: { ...(example.metadata as object), name } };
    const root = resource.group ? `/apis/${resource.group}/${resource.version}` : `/api/${resource.version}`;
    const collection = `${root}${resource.scope === 'Namespaced' ? '/namespaces/default' : ''}/${resource.plural}`;
    const created = await server.call('POST', collection, object);
    assert.equal(created.status, 201, JSON.stringify(created.body));

    const text = await getText(`${collection}/${name}`);
    assert.equal(await getText(`${collection}/${name}`), text, 'two gets give the same bytes');
    const got = JSON.parse(text);
    assert.equal(JSON.stringify(got), text, 'decoding and encoding again gives the same bytes');
    assert.equal(got.apiVersion, version);

    const updated = await server.call('PUT', `${collection}/${name}`, got);
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    assert.equal(updated.body.metadata.resourceVersion, got.metadata.resourceVersion, 'a no-op update keeps the resourceVersion');
    assert.deepEqual(updated.body, got, 'a no-op update changes nothing');
    assert.equal(await getText(`${collection}/${name}`), text, 'the stored object is unchanged');
  });
}
