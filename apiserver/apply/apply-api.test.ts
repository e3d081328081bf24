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
});
