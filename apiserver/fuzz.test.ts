// Fuzz test: 12,000 random and mutated requests against a live server. Every
// answer must be a well-formed Status (for an error) or an object, never a
// 5xx, and the server must still serve afterwards.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { resources } from '../proto/index.js';
import { startTestServer, type TestServer } from './test-support.js';

const REQUESTS = 12_000;
const CONCURRENCY = 8;

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly contentType: string;
  readonly body: string | undefined;
}

const validObjects: Record<string, unknown>[] = [
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { k: 'v' } },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' } },
  { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, spec: {} },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80 }], selector: { a: 'b' } } },
  {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'd' },
    spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
  },
  {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name: 'rc' },
    spec: { replicas: 1, selector: { a: 'b' }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
  },
];

const anyJson = fc.jsonValue({ maxDepth: 3 });
const names = fc.oneof(fc.constantFrom('p', 'cm', 'ns', 'n', 's', 'd', 'rc', 'default', 'x'), fc.string({ maxLength: 12 }), fc.constant('a'.repeat(300)));
const namespaces = fc.oneof(fc.constantFrom('default', 'kube-system', 'missing', 'ns'), fc.string({ maxLength: 8 }));
const plurals = fc.oneof(fc.constantFrom(...resources.map((r) => r.plural)), fc.string({ maxLength: 10 }));
const subresources = fc.constantFrom(undefined, 'status', 'scale', 'binding', 'log', 'nope');
const queries = fc.array(
  fc.tuple(
    fc.constantFrom('watch', 'labelSelector', 'fieldSelector', 'limit', 'continue', 'resourceVersion', 'resourceVersionMatch', 'timeoutSeconds', 'dryRun', 'gracePeriodSeconds', 'propagationPolicy', 'sendInitialEvents', 'includeObject'),
    fc.oneof(fc.constantFrom('true', '0', '1', '-1', 'a=b', 'a in (b', '!x', 'metadata.name=p', 'All', 'Exact', 'NotOlderThan', 'Orphan', '99999999999999999999'), fc.string({ maxLength: 10 })),
  ),
  { maxLength: 3 },
);

const path = fc
  .record({
    root: fc.constantFrom('/api/v1', '/apis/apps/v1', '/apis/coordination.k8s.io/v1', '/apis/nope/v1', '/api/v2', '/api', '/apis', '/version', '/openapi/v3'),
    namespaced: fc.boolean(),
    namespace: namespaces,
    plural: plurals,
    name: fc.option(names, { nil: undefined }),
    subresource: subresources,
    query: queries,
  })
  .map(({ root, namespaced, namespace, plural, name, subresource, query }) => {
    let p = root;
    if (root.startsWith('/api/') || root.startsWith('/apis/')) {
      if (namespaced) p += `/namespaces/${encodeURIComponent(namespace)}`;
      p += `/${encodeURIComponent(plural)}`;
      if (name !== undefined) p += `/${encodeURIComponent(name)}`;
      if (name !== undefined && subresource) p += `/${subresource}`;
    }
    const search = query.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
    // A watch that nobody ends would hold the fuzzer up: watches time out at once.
    return search ? `${p}?${search}&timeoutSeconds=0` : p;
  });

/** A valid object with one part replaced by random JSON, or dropped. */
const mutatedObject = fc
  .tuple(fc.constantFrom(...validObjects), fc.array(fc.tuple(fc.constantFrom('apiVersion', 'kind', 'metadata', 'spec', 'data', 'status', 'metadata.name', 'metadata.labels', 'metadata.namespace', 'spec.containers', 'spec.selector', 'spec.template', 'metadata.resourceVersion'), fc.option(anyJson, { nil: undefined })), { maxLength: 3 }))
  .map(([base, mutations]) => {
    const object = structuredClone(base);
    for (const [field, value] of mutations) {
      const parts = field.split('.');
      let target: Record<string, unknown> = object;
      for (const part of parts.slice(0, -1)) {
        if (typeof target[part] !== 'object' || target[part] === null) target[part] = {};
        target = target[part] as Record<string, unknown>;
      }
      if (value === undefined) delete target[parts[parts.length - 1]!];
      else target[parts[parts.length - 1]!] = value;
    }
    return JSON.stringify(object);
  });

const body = fc.oneof(
  { weight: 5, arbitrary: mutatedObject },
  { weight: 2, arbitrary: anyJson.map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: mutatedObject.map((s) => s.slice(0, Math.floor(s.length / 2))) },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

const request: fc.Arbitrary<FuzzRequest> = fc.record({
  method: fc.constantFrom('GET', 'GET', 'POST', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'),
  path,
  contentType: fc.constantFrom(
    'application/json',
    'application/merge-patch+json',
    'application/json-patch+json',
    'application/strategic-merge-patch+json',
    'application/yaml',
    'text/plain',
    '',
  ),
  body,
});

async function send(r: FuzzRequest): Promise<string | undefined> {
  const hasBody = r.body !== undefined && r.method !== 'GET' && r.method !== 'HEAD';
  const response = await fetch(server.url + r.path, {
    method: r.method,
    headers: hasBody && r.contentType ? { 'Content-Type': r.contentType } : {},
    body: hasBody ? r.body : undefined,
  });
  const text = await response.text();
  const what = `${r.method} ${r.path} [${r.contentType}] ${r.body?.slice(0, 200) ?? ''} -> ${response.status} ${text.slice(0, 300)}`;
  if (response.status >= 500) return `5xx: ${what}`;
  if (r.method === 'HEAD' || response.status === 204) return undefined;
  const type = response.headers.get('content-type') ?? '';
  if (!type.startsWith('application/json')) return response.status >= 400 ? `an error that is not a Status: ${what}` : undefined;
  let parsed: any;
  try {
    parsed = JSON.parse(text);
  } catch {
    // A watch streams one JSON object per line.
    if (/[?&]watch=(true|1)/.test(r.path) && text.split('\n').every((line) => line === '' || JSON.parse(line))) return undefined;
    return `not JSON: ${what}`;
  }
  if (response.status >= 400) {
    const wellFormed = parsed.kind === 'Status' && parsed.apiVersion === 'v1' && parsed.status === 'Failure' && parsed.code === response.status && typeof parsed.message === 'string' && typeof parsed.reason === 'string';
    return wellFormed ? undefined : `a malformed Status: ${what}`;
  }
  return typeof parsed === 'object' && parsed !== null ? undefined : `not an object: ${what}`;
}

test(`${REQUESTS} random and mutated requests get a Status or an object, never a 5xx`, { timeout: 300_000 }, async () => {
  const requests = fc.sample(request, { numRuns: REQUESTS, seed: Number(process.env.FUZZ_SEED ?? 20261122) });
  const problems: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < requests.length) {
        const problem = await send(requests[next++]!);
        if (problem) problems.push(problem);
      }
    }),
  );
  assert.deepEqual(problems.slice(0, 10), [], `${problems.length} bad answers`);
  // Still serving: health, a list and a write.
  assert.equal((await server.call('GET', '/healthz')).body, 'ok');
  assert.equal((await server.call('GET', '/api/v1/namespaces')).status, 200);
  const created = await server.call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'after-fuzz' } });
  assert.equal(created.status, 201);
});
