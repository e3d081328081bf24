// Unknown fields and wrong types in create, update and patch bodies, in each
// fieldValidation mode, as a real API server answers them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pod, startTestServer, type TestServer } from '../test-support.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

const pods = '/api/v1/namespaces/default/pods';
const withUnknown = (name: string) => {
  const body: any = pod(name);
  body.spec.foo = 'bar';
  body.spec.containers[0].bogus = 1;
  body.metadata.extra = true;
  return body;
};

describe('field validation on create', () => {
  test("Strict refuses unknown fields, nested in lists and in metadata, in the order the body has them, with upstream's strict decoding message", async () => {
    const answer = await server.call('POST', `${pods}?fieldValidation=Strict`, withUnknown('strict'));
    assert.equal(answer.status, 400);
    assert.equal(answer.body.reason, 'BadRequest');
    assert.equal(
      answer.body.message,
      'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "metadata.extra", unknown field "spec.containers[0].bogus", unknown field "spec.foo"',
    );
    assert.equal((await server.call('GET', `${pods}/strict`)).status, 404);
  });

  test('Warn stores the object without them and says so in one Warning header each; it is the default', async () => {
    for (const [name, query] of [
      ['warned', '?fieldValidation=Warn'],
      ['defaulted', ''],
    ]) {
      const answer = await server.call('POST', `${pods}${query}`, withUnknown(name!));
      assert.equal(answer.status, 201);
      assert.equal(answer.headers.get('warning'), '299 - "unknown field \\"metadata.extra\\"", 299 - "unknown field \\"spec.containers[0].bogus\\"", 299 - "unknown field \\"spec.foo\\""');
      const stored = (await server.call('GET', `${pods}/${name}`)).body;
      assert.equal(stored.spec.foo, undefined);
      assert.equal(stored.spec.containers[0].bogus, undefined);
      assert.equal(stored.metadata.extra, undefined);
    }
  });

  test('Ignore drops them silently', async () => {
    const answer = await server.call('POST', `${pods}?fieldValidation=Ignore`, withUnknown('ignored'));
    assert.equal(answer.status, 201);
    assert.equal(answer.headers.get('warning'), null);
    assert.equal(answer.body.spec.foo, undefined);
  });

  test('a value of the wrong type is refused in every mode with Go decoder message', async () => {
    const ds = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'typed' },
      spec: {
        minReadySeconds: '5',
        selector: { matchLabels: { app: 'd' } },
        template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      },
    };
    const answer = await server.call('POST', '/apis/apps/v1/namespaces/default/daemonsets?fieldValidation=Ignore', ds);
    assert.equal(answer.status, 400);
    assert.equal(
      answer.body.message,
      'DaemonSet in version "v1" cannot be handled as a DaemonSet: json: cannot unmarshal string into Go struct field DaemonSetSpec.spec.minReadySeconds of type int32',
    );
    const listAsObject: any = pod('listed');
    listAsObject.spec.containers = { name: 'c' };
    const list = await server.call('POST', pods, listAsObject);
    assert.equal(list.body.message, 'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container');
    const port: any = pod('ported');
    port.spec.containers[0].ports = [{ containerPort: 80.5 }];
    const ported = await server.call('POST', pods, port);
    assert.match(ported.body.message, /json: cannot unmarshal number 80\.5 into Go struct field ContainerPort\.spec\.containers\.ports\.containerPort of type int32$/);
  });

  test('label values that are not strings keep their own message', async () => {
    const answer = await server.call('POST', pods, pod('labelled', { app: true as unknown as string }));
    assert.equal(answer.status, 400);
    assert.match(answer.body.message, /Go struct field ObjectMeta\.metadata\.labels of type string$/);
  });

  test('a field that holds any JSON keeps what it holds (ControllerRevision data)', async () => {
    const revision = { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'rev' }, revision: 1, data: { spec: { anything: { goes: [1] } } } };
    const answer = await server.call('POST', '/apis/apps/v1/namespaces/default/controllerrevisions?fieldValidation=Strict', revision);
    assert.equal(answer.status, 201);
    assert.deepEqual(answer.body.data, revision.data);
  });

  test('an unknown directive is refused as upstream CreateOptions validation does', async () => {
    const answer = await server.call('POST', `${pods}?fieldValidation=strict`, pod('directive'));
    assert.equal(answer.status, 422);
    assert.equal(answer.body.message, 'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "strict": supported values: "Ignore", "Strict", "Warn"');
  });
});

describe('field validation on update and patch', () => {
  before(async () => {
    await server.call('POST', pods, pod('target'));
  });

  test('an update with an unknown field is refused under Strict and stored without it under Warn', async () => {
    const current = (await server.call('GET', `${pods}/target`)).body;
    current.spec.foo = 1;
    const strict = await server.call('PUT', `${pods}/target?fieldValidation=Strict`, current);
    assert.equal(strict.status, 400);
    assert.equal(strict.body.message, 'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.foo"');
    const warned = await server.call('PUT', `${pods}/target?fieldValidation=Warn`, current);
    assert.equal(warned.status, 200);
    assert.equal(warned.headers.get('warning'), '299 - "unknown field \\"spec.foo\\""');
    assert.equal(warned.body.spec.foo, undefined);
  });

  test('a strategic merge patch with an unknown field is 422 on the patch, printed as Go prints the map', async () => {
    const patch = JSON.stringify({ spec: { foo: 'bar' } });
    const answer = await server.call('PATCH', `${pods}/target?fieldValidation=Strict`, patch, { 'Content-Type': 'application/strategic-merge-patch+json' });
    assert.equal(answer.status, 422);
    assert.equal(answer.body.message, ' "" is invalid: patch: Invalid value: "map[spec:map[foo:bar]]": strict decoding error: unknown field "spec.foo"');
    const warned = await server.call('PATCH', `${pods}/target?fieldValidation=Warn`, patch, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(warned.status, 200);
    assert.equal(warned.headers.get('warning'), '299 - "unknown field \\"spec.foo\\""');
    assert.equal(warned.body.spec.foo, undefined);
  });
});
