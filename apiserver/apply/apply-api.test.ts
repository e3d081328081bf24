// Server-side apply over HTTP, as curl sees it: the Status bodies of refused
// applies, creation by apply, and managedFields the server keeps.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../test-support.js';

const APPLY = { 'Content-Type': 'application/apply-patch+yaml' };
const PODS = '/api/v1/namespaces/default/pods';

const config = (image: string) => `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: nginx
    image: ${image}
`;

describe('PATCH application/apply-patch+yaml', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server.close();
  });

  test('without fieldManager is 422 Invalid on PatchOptions, as upstream', async () => {
    const answer = await server.call('PATCH', `${PODS}/web`, config('a'), APPLY);
    assert.equal(answer.status, 422);
    assert.equal(answer.body.message, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    assert.deepEqual(answer.body.details, {
      name: '',
      group: 'meta.k8s.io',
      kind: 'PatchOptions',
      causes: [{ reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' }],
    });
  });

  test('force on another patch type is refused', async () => {
    const answer = await server.call('PATCH', `${PODS}/web?force=true`, '{}', { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(answer.status, 422);
    assert.match(answer.body.message, /force: Forbidden: may not be specified for non-apply patch/);
  });

  test('creates the object (201), then answers a conflicting apply with FieldManagerConflict causes', async () => {
    const created = await server.call('PATCH', `${PODS}/web?fieldManager=alice`, config('nginx:1'), APPLY);
    assert.equal(created.status, 201);
    assert.deepEqual(
      created.body.metadata.managedFields.map((e: any) => [e.manager, e.operation, e.apiVersion, e.fieldsType]),
      [['alice', 'Apply', 'v1', 'FieldsV1']],
    );
    const conflicted = await server.call('PATCH', `${PODS}/web?fieldManager=bob`, config('nginx:2'), APPLY);
    assert.equal(conflicted.status, 409);
    assert.deepEqual(conflicted.body, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Apply failed with 1 conflict: conflict with "alice": .spec.containers[name="nginx"].image',
      reason: 'Conflict',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.spec.containers[name="nginx"].image' }] },
      code: 409,
    });
    const forced = await server.call('PATCH', `${PODS}/web?fieldManager=bob&force=true`, config('nginx:2'), APPLY);
    assert.equal(forced.status, 200);
    assert.equal(forced.body.spec.containers[0].image, 'nginx:2');
  });

  test('managedFields in an apply body are refused; a PUT with broken ones keeps live ones; [{}] resets them', async () => {
    const withFields = `${config('nginx:2')}  managedFields: []\n`.replace('  name: web\n', '  name: web\n  managedFields: []\n');
    const refused = await server.call('PATCH', `${PODS}/web?fieldManager=bob`, withFields, APPLY);
    assert.equal(refused.status, 400);
    assert.equal(refused.body.message, 'metadata.managedFields must be nil');

    const live = (await server.call('GET', `${PODS}/web`)).body;
    const broken = { ...live, metadata: { ...live.metadata, labels: { x: 'y' }, managedFields: [{ manager: 'm', operation: 'Update', fieldsType: 'FieldsV2' }] } };
    const put = await server.call('PUT', `${PODS}/web`, broken, { 'User-Agent': 'curl/8.5.0' });
    assert.equal(put.status, 200);
    assert.deepEqual(
      put.body.metadata.managedFields.map((e: any) => e.manager).sort(),
      ['alice', 'bob', 'curl'],
    );
    const badOperation = { ...put.body, metadata: { ...put.body.metadata, managedFields: [{ ...put.body.metadata.managedFields[0], operation: 'Sideways' }] } };
    const invalid = await server.call('PUT', `${PODS}/web`, badOperation);
    assert.equal(invalid.status, 422);
    assert.match(invalid.body.message, /metadata\.managedFields\[0\]\.operation: Invalid value: "Sideways": must be `Apply` or `Update`/);

    const reset = await server.call('PATCH', `${PODS}/web`, { metadata: { managedFields: [{}] } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(reset.status, 200);
    assert.equal(reset.body.metadata.managedFields, undefined);
  });

  test('an eleventh Update manager folds the oldest ones into ancient-changes, as upstream keeps at most 10', async () => {
    const CONFIGMAPS = '/api/v1/namespaces/default/configmaps';
    const created = await server.call('POST', `${CONFIGMAPS}?fieldManager=m00`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'many' }, data: { k00: 'v' } });
    assert.equal(created.status, 201);
    let answer = created;
    for (let i = 1; i <= 10; i++) {
      const name = `m${String(i).padStart(2, '0')}`;
      answer = await server.call('PATCH', `${CONFIGMAPS}/many?fieldManager=${name}`, { data: { [`k${name.slice(1)}`]: 'v' } }, { 'Content-Type': 'application/merge-patch+json' });
      assert.equal(answer.status, 200);
    }
    const entries = answer.body.metadata.managedFields as { manager: string; operation: string; fieldsV1: { 'f:data': Record<string, unknown> } }[];
    assert.equal(entries.length, 10);
    const ancient = entries.find((e) => e.manager === 'ancient-changes');
    assert.ok(ancient, `no ancient-changes among ${entries.map((e) => e.manager).join(', ')}`);
    assert.equal(ancient.operation, 'Update');
    // Every field is still owned by someone: the folded managers' keys moved into the bucket.
    const owned = entries.flatMap((e) => Object.keys(e.fieldsV1['f:data'] ?? {}).filter((k) => k.startsWith('f:'))).sort();
    assert.deepEqual(owned, Array.from({ length: 11 }, (_, i) => `f:k${String(i).padStart(2, '0')}`));
  });
});
