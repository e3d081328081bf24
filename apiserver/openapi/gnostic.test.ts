// /openapi/v2 in protobuf, decoded with protobufjs and read back into swagger
// JSON field by field: it says everything the JSON document says, as
// gnostic's openapi.v2.Document, and is negotiated as kube-openapi's handler.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { startTestServer, type TestServer } from '../test-support.js';
import { documentMessage } from './gnostic-messages.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

const PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';
/** What client-go's discovery OpenAPISchema() sends (kubectl's validation, explain --output plaintext-openapiv2). */
const CLIENT_GO_ACCEPT = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

async function fetchV2(accept: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(server.url + '/openapi/v2', { headers: { Accept: accept, ...headers } });
}

// The decoded messages, as much of gnostic's openapi.v2 as these checks read (protobufjs' toObject: plain objects).
interface Named<T> {
  readonly name: string;
  readonly value: T;
}
interface AnyMessage {
  readonly yaml: string;
}
interface Extended {
  readonly vendorExtension?: readonly Named<AnyMessage>[];
}
interface SchemaMessage extends Extended {
  readonly ref?: string;
  readonly type?: { readonly value: readonly string[] };
  readonly items?: { readonly schema: readonly SchemaMessage[] };
  readonly properties?: { readonly additionalProperties: readonly Named<SchemaMessage>[] };
  readonly additionalProperties?: { readonly schema?: SchemaMessage; readonly boolean?: boolean };
  readonly enum?: readonly AnyMessage[];
  readonly [scalar: string]: unknown;
}
interface ParametersItem {
  readonly jsonReference?: { readonly ref: string };
  readonly parameter: {
    readonly bodyParameter?: { readonly schema: SchemaMessage; readonly [field: string]: unknown };
    readonly nonBodyParameter?: Readonly<Record<string, Extended & Record<string, unknown>>>;
  };
}
interface OperationMessage extends Extended {
  readonly parameters?: readonly ParametersItem[];
  readonly responses: { readonly responseCode: readonly Named<{ readonly response: { readonly description: string; readonly schema?: { readonly schema: SchemaMessage } } }>[] };
  readonly [field: string]: unknown;
}
type PathItem = Partial<Record<'get' | 'put' | 'post' | 'delete' | 'patch', OperationMessage>>;
interface DocumentMessage {
  readonly swagger: string;
  readonly info: Record<string, unknown>;
  readonly definitions: { readonly additionalProperties: readonly Named<SchemaMessage>[] };
  readonly paths: { readonly path: readonly Named<PathItem>[] };
}
type Json = Record<string, unknown>;

async function decoded(): Promise<DocumentMessage> {
  const response = await fetchV2(CLIENT_GO_ACCEPT);
  assert.equal(response.status, 200);
  const bytes = new Uint8Array(await response.arrayBuffer());
  return documentMessage.toObject(documentMessage.decode(bytes), { longs: Number }) as DocumentMessage;
}

const entries = <T>(list: readonly Named<T>[] | undefined, read: (value: T) => unknown): Json => Object.fromEntries((list ?? []).map(({ name, value }) => [name, read(value)]));
/** Vendor extensions back as JSON values, from their YAML text. */
const extensions = (message: Extended): Json => entries(message.vendorExtension, (value) => parse(value.yaml) as unknown);

const SCHEMA_SCALARS = ['format', 'title', 'description', 'required', 'uniqueItems', 'minimum', 'maximum', 'pattern', 'readOnly'];

function swaggerSchema(s: SchemaMessage): Json {
  const out: Json = { ...extensions(s) };
  for (const key of SCHEMA_SCALARS) if (s[key] !== undefined) out[key] = s[key];
  if (s.ref) out.$ref = s.ref;
  if (s.type) out.type = s.type.value.length === 1 ? s.type.value[0] : s.type.value;
  if (s.items) out.items = swaggerSchema(s.items.schema[0]!);
  if (s.properties) out.properties = entries(s.properties.additionalProperties, swaggerSchema);
  if (s.additionalProperties) out.additionalProperties = s.additionalProperties.schema ? swaggerSchema(s.additionalProperties.schema) : s.additionalProperties.boolean;
  if (s.enum) out.enum = s.enum.map((value) => parse(value.yaml) as unknown);
  return out;
}

function swaggerParameter(item: ParametersItem): Json {
  if (item.jsonReference) return { $ref: item.jsonReference.ref };
  const { bodyParameter, nonBodyParameter } = item.parameter;
  if (bodyParameter) return { ...bodyParameter, schema: swaggerSchema(bodyParameter.schema), vendorExtension: undefined };
  const [sub] = Object.values(nonBodyParameter ?? {});
  const { vendorExtension: _, ...rest } = sub!;
  return rest;
}

function swaggerOperation(op: OperationMessage): Json {
  const { vendorExtension: _, parameters, responses, ...rest } = op;
  return {
    ...rest,
    ...extensions(op),
    parameters: (parameters ?? []).map(swaggerParameter),
    responses: entries(responses.responseCode, ({ response }) => ({ description: response.description, ...(response.schema ? { schema: swaggerSchema(response.schema.schema) } : {}) })),
  };
}

const withoutUndefined = (value: unknown) => JSON.parse(JSON.stringify(value));

describe('openapi v2 in protobuf', () => {
  test('every definition reads back as its JSON: properties, types, $refs, required, descriptions, extensions, in order', async () => {
    const json = (await server.call('GET', '/openapi/v2', undefined, { Accept: 'application/json' })).body;
    const doc = await decoded();
    assert.equal(doc.swagger, '2.0');
    assert.deepEqual(doc.info, { title: json.info.title, version: json.info.version });
    const named = doc.definitions.additionalProperties;
    assert.deepEqual(
      named.map((d) => d.name),
      Object.keys(json.definitions),
    );
    for (const { name, value } of named) assert.deepEqual(swaggerSchema(value), json.definitions[name], name);
  });

  test('x-kubernetes-group-version-kind is an Any holding its YAML, as kubectl reads it to map definitions to kinds', async () => {
    const doc = await decoded();
    const schema = (name: string): SchemaMessage => doc.definitions.additionalProperties.find((d) => d.name === name)!.value;
    const gvk = (name: string): AnyMessage => schema(name).vendorExtension!.find((e) => e.name === 'x-kubernetes-group-version-kind')!.value;
    assert.deepEqual(parse(gvk('io.k8s.api.core.v1.Pod').yaml), [{ group: '', version: 'v1', kind: 'Pod' }]);
    assert.deepEqual(parse(gvk('io.k8s.api.authorization.v1.SubjectAccessReview').yaml), [{ group: 'authorization.k8s.io', version: 'v1', kind: 'SubjectAccessReview' }]);
    const containers = schema('io.k8s.api.core.v1.PodSpec').properties!.additionalProperties.find((p) => p.name === 'containers')!.value;
    assert.deepEqual(containers.items!.schema[0]!.ref, '#/definitions/io.k8s.api.core.v1.Container');
    assert.deepEqual(
      containers.vendorExtension!.map((e) => [e.name, e.value.yaml]),
      [
        ['x-kubernetes-patch-strategy', 'merge\n'],
        ['x-kubernetes-patch-merge-key', 'name\n'],
      ],
    );
  });

  test('every path and operation reads back as its JSON: parameters (body and query), responses, extensions', async () => {
    const json = (await server.call('GET', '/openapi/v2', undefined, { Accept: 'application/json' })).body;
    const doc = await decoded();
    const paths = doc.paths.path;
    assert.deepEqual(
      paths.map((p) => p.name),
      Object.keys(json.paths),
    );
    for (const { name, value } of paths) {
      const operations = Object.fromEntries((['get', 'put', 'post', 'delete', 'patch'] as const).flatMap((m) => (value[m] ? [[m, swaggerOperation(value[m])]] : [])));
      assert.deepEqual(withoutUndefined(operations), json.paths[name], name);
    }
    // What kubectl's QueryParamVerifier reads: a PATCH operation of the kind, with a fieldValidation query parameter.
    const patch = paths.find((p) => p.name === '/api/v1/namespaces/{namespace}/pods/{name}')!.value.patch!;
    assert.ok(patch.parameters!.some((p) => p.parameter.nonBodyParameter?.queryParameterSubSchema?.name === 'fieldValidation'));
  });

  test('is negotiated as kube-openapi: either protobuf name, its Content-Type, the JSON ETag and 304; */* is JSON; anything else 406', async () => {
    const json = await fetchV2('application/json');
    const etag = json.headers.get('etag')!;
    for (const accept of [CLIENT_GO_ACCEPT, PROTOBUF, `application/json;q=0.5, ${PROTOBUF}`]) {
      const pb = await fetchV2(accept);
      assert.equal(pb.status, 200, accept);
      assert.equal(pb.headers.get('content-type'), PROTOBUF, accept);
      assert.equal(pb.headers.get('etag'), etag);
      assert.equal(pb.headers.get('vary'), 'Accept');
      assert.equal((await pb.arrayBuffer()).byteLength > 100_000, true);
    }
    assert.equal((await fetchV2(CLIENT_GO_ACCEPT, { 'If-None-Match': etag })).status, 304);
    for (const accept of ['*/*', 'application/*', '']) assert.match((await fetchV2(accept)).headers.get('content-type')!, /^application\/json/, accept);
    const refused = await fetchV2('application/yaml, text/html');
    assert.equal(refused.status, 406);
    assert.equal(await refused.text(), '');
  });
});
