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

describe('duplicate fields (upstream test/integration/apiserver/field_validation_test.go, with a Pod)', () => {
  const json = (name: string) => `{
  "apiVersion": "v1",
  "kind": "Pod",
  "metadata": {"name": "${name}", "name": "${name}", "unknownMeta": "x"},
  "spec": {
    "unknown1": "val1",
    "unknownDupe": "valDupe",
    "unknownDupe": "valDupe2",
    "restartPolicy": "Always",
    "restartPolicy": "Never",
    "containers": [{"name": "c", "image": "nginx", "unknownNested": "val1", "imagePullPolicy": "Always", "imagePullPolicy": "Never"}]
  }
}`;
  const yaml = (name: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  name: ${name}
  unknownMeta: x
spec:
  unknown1: val1
  unknownDupe: valDupe
  unknownDupe: valDupe2
  restartPolicy: Always
  restartPolicy: Never
  containers:
  - name: c
    image: nginx
    unknownNested: val1
    imagePullPolicy: Always
    imagePullPolicy: Never
`;
  const JSON_TEXTS = [
    'duplicate field "metadata.name"',
    'unknown field "metadata.unknownMeta"',
    'unknown field "spec.unknown1"',
    'unknown field "spec.unknownDupe"',
    'duplicate field "spec.restartPolicy"',
    'unknown field "spec.containers[0].unknownNested"',
    'duplicate field "spec.containers[0].imagePullPolicy"',
  ];
  const YAML_LINES = ['line 5: key "name" already set in map', 'line 10: key "unknownDupe" already set in map', 'line 12: key "restartPolicy" already set in map', 'line 18: key "imagePullPolicy" already set in map'];
  const YAML_UNKNOWN = ['unknown field "metadata.unknownMeta"', 'unknown field "spec.containers[0].unknownNested"', 'unknown field "spec.unknown1"', 'unknown field "spec.unknownDupe"'];
  const warningsOf = (header: string | null) => (header ?? '').split(/, (?=299 )/).map((w) => JSON.parse(w.slice('299 - '.length)) as string);
  const JSON_TYPE = { 'Content-Type': 'application/json' };
  const YAML_TYPE = { 'Content-Type': 'application/yaml' };

  test('JSON under Strict: repeated known fields and unknown ones, in the order the decoder meets them; nothing stored', async () => {
    const answer = await server.call('POST', `${pods}?fieldValidation=Strict`, json('dup-strict'), JSON_TYPE);
    assert.equal(answer.status, 400);
    assert.equal(answer.body.message, `Pod in version "v1" cannot be handled as a Pod: strict decoding error: ${JSON_TEXTS.join(', ')}`);
    assert.equal((await server.call('GET', `${pods}/dup-strict`)).status, 404);
  });

  test('JSON under Warn: one warning each, and the last value of a repeated field is kept', async () => {
    const answer = await server.call('POST', pods, json('dup-warn'), JSON_TYPE);
    assert.equal(answer.status, 201);
    assert.deepEqual(warningsOf(answer.headers.get('warning')), JSON_TEXTS);
    assert.equal(answer.body.spec.restartPolicy, 'Never');
    assert.equal(answer.body.spec.containers[0].imagePullPolicy, 'Never');
  });

  test('YAML under Strict and Warn: yaml.v2 lines for the repeats, then the unknown fields sorted', async () => {
    const strict = await server.call('POST', `${pods}?fieldValidation=Strict`, yaml('dup-yaml-strict'), YAML_TYPE);
    assert.equal(strict.status, 400);
    assert.equal(
      strict.body.message,
      `Pod in version "v1" cannot be handled as a Pod: strict decoding error: yaml: unmarshal errors:\n  ${YAML_LINES.join('\n  ')}, ${YAML_UNKNOWN.join(', ')}`,
    );
    const warned = await server.call('POST', pods, yaml('dup-yaml-warn'), YAML_TYPE);
    assert.equal(warned.status, 201);
    assert.deepEqual(warningsOf(warned.headers.get('warning')), [...YAML_LINES, ...YAML_UNKNOWN]);
    assert.equal(warned.body.spec.restartPolicy, 'Never');
    const ignored = await server.call('POST', `${pods}?fieldValidation=Ignore`, yaml('dup-yaml-ignore'), YAML_TYPE);
    assert.equal(ignored.status, 201);
    assert.equal(ignored.headers.get('warning'), null);
  });

  test('a merge patch: its own repeats (unknown ones too) first, then the unknown fields, sorted', async () => {
    await server.call('POST', pods, pod('dup-patch'));
    const patch = '{"metadata": {"labels": {"tier": "a", "tier": "b"}}, "spec": {"unknown1": "val1", "unknownDupe": "a", "unknownDupe": "b"}}';
    const answer = await server.call('PATCH', `${pods}/dup-patch?fieldValidation=Warn`, patch, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(answer.status, 200);
    assert.deepEqual(warningsOf(answer.headers.get('warning')), [
      'duplicate field "metadata.labels.tier"',
      'duplicate field "spec.unknownDupe"',
      'unknown field "spec.unknown1"',
      'unknown field "spec.unknownDupe"',
    ]);
    assert.equal(answer.body.metadata.labels.tier, 'b');
  });

  test('a body without repeats answers no warning, whatever its escapes and nesting', async () => {
    const body = JSON.stringify(pod('dup-none')).replace(
      '"metadata":{',
      String.raw`"metadata":{"annotations":{"example.com/k\u0065y":"{\"x\":1,\"x\":2}","example.com/key2":"[\"\\\"\"]"},`,
    );
    const answer = await server.call('POST', pods, body, JSON_TYPE);
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    assert.equal(answer.headers.get('warning'), null);
    assert.equal(answer.body.metadata.annotations['example.com/key'], '{"x":1,"x":2}');
    // A key written with an escape is the same key.
    const escaped = JSON.stringify(pod('dup-escaped')).replace('"metadata":{', String.raw`"metadata":{"annotations":{"key":"1","key":"2"},`);
    const warned = await server.call('POST', pods, escaped, JSON_TYPE);
    assert.deepEqual(warningsOf(warned.headers.get('warning')), ['duplicate field "metadata.annotations.key"']);
  });
});
