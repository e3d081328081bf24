// Zero values everywhere the schema has a list or an object: for each kind
// that can be created, its example with one list field (at any depth the
// OpenAPI definitions reach) holding [null], [{}], [""] or [[]], or one
// object field null or {}, is created with dryRun=All. Go's decoder turns
// each of these into zero values, which validation then judges: the answer
// may be 201 or a 4xx Status, never a 5xx. The fuzz (fuzz.test.ts) samples at
// random; this sweep walks every such field (a null matchExpressions entry
// was a 500 that 50,000 fuzzed requests did not reach; this finds it at once).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { resources } from '../proto/index.js';
import { exampleObjects, startTestServer, type TestServer } from './test-support.js';

interface Schema {
  readonly $ref?: string;
  readonly type?: string;
  readonly items?: Schema;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly 'x-kubernetes-group-version-kind'?: readonly { group: string; version: string; kind: string }[];
}

type Path = (string | number)[];
const MAX_DEPTH = 8;
const LIST_VALUES: unknown[] = [[null], [{}], [''], [[]]];
const OBJECT_VALUES: unknown[] = [null, {}];

let server: TestServer;
let definitions: Record<string, Schema>;

before(async () => {
  server = await startTestServer({});
  definitions = ((await server.call('GET', '/openapi/v2')).body as { definitions: Record<string, Schema> }).definitions;
});
after(() => server.close());

const deref = (schema: Schema | undefined): Schema | undefined => (schema?.$ref ? definitions[schema.$ref.replace('#/definitions/', '')] : schema);

/** The paths of every list and object field under `schema`, list items entered as index 0; JSONSchemaProps not entered (it nests without end). */
function fieldPaths(schema: Schema | undefined, at: Path, out: { path: Path; list: boolean }[]): void {
  const resolved = deref(schema);
  if (!resolved || at.length > MAX_DEPTH) return;
  if (resolved.type === 'array') {
    out.push({ path: at, list: true });
    fieldPaths(resolved.items, [...at, 0], out);
    return;
  }
  if (!resolved.properties) return;
  if (at.length > 0) out.push({ path: at, list: false });
  for (const [name, property] of Object.entries(resolved.properties)) {
    if (at.length === 0 && (name === 'status' || name === 'apiVersion' || name === 'kind')) continue;
    if ((property.$ref ?? property.items?.$ref ?? '').includes('JSONSchemaProps')) continue;
    fieldPaths(property, [...at, name], out);
  }
}

/** `object` with the value at `path` set, making the objects and one-item lists on the way. */
function withValue(object: Record<string, unknown>, path: Path, value: unknown): Record<string, unknown> {
  const copy = structuredClone(object);
  let node = copy as Record<string | number, unknown>;
  path.slice(0, -1).forEach((key, i) => {
    const next = node[key];
    if (typeof path[i + 1] === 'number') {
      if (!Array.isArray(next) || next.length === 0 || typeof next[0] !== 'object' || next[0] === null) node[key] = [{}];
    } else if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      node[key] = {};
    }
    node = node[key] as Record<string | number, unknown>;
  });
  node[path[path.length - 1]!] = structuredClone(value);
  return copy;
}

test('a list or object field holding zero values, at any depth of every creatable kind, is never a 5xx', async (t) => {
  const failures: string[] = [];
  let requests = 0;
  let kinds = 0;
  for (const resource of resources.filter((r) => r.verbs.includes('create'))) {
    const example = exampleObjects.find((o) => o.kind === resource.kind);
    const definition = Object.values(definitions).find((d) =>
      d['x-kubernetes-group-version-kind']?.some((gvk) => gvk.kind === resource.kind && gvk.group === resource.group && gvk.version === resource.version),
    );
    // Older versions of a kind (apps/v1beta1 ...) share their objects with the served one: checked there.
    if (!example || !definition) continue;
    kinds++;
    const paths: { path: Path; list: boolean }[] = [];
    fieldPaths(definition, [], paths);
    const apiVersion = resource.group ? `${resource.group}/${resource.version}` : resource.version;
    const collection = `${resource.group ? `/apis/${resource.group}/${resource.version}` : `/api/${resource.version}`}${resource.scope === 'Namespaced' ? '/namespaces/default' : ''}/${resource.plural}?dryRun=All`;
    for (const { path, list } of paths) {
      for (const value of list ? LIST_VALUES : OBJECT_VALUES) {
        const answer = await server.call('POST', collection, withValue({ ...example, apiVersion }, path, value));
        requests++;
        if (answer.status >= 500) failures.push(`${resource.kind} ${path.join('.')} = ${JSON.stringify(value)}: ${answer.status} ${(answer.body as { message?: string }).message}`);
        else assert.ok(answer.status === 201 || (answer.body as { kind?: string }).kind === 'Status', `${resource.kind} ${path.join('.')}: ${answer.status} without a Status`);
      }
    }
  }
  assert.deepEqual(failures, [], `${failures.length} zero-value bodies answered 5xx`);
  t.diagnostic(`zero values: ${requests} creates (dry run) of ${kinds} kinds, every list and object field to depth ${MAX_DEPTH}: no 5xx`);
});
