// Fuzz test: 50,000 random and mutated requests against a live server in a
// child process (fuzz-target.ts): every verb, every served resource and its
// subresources, collections, watches, discovery, OpenAPI and the health and
// metrics paths; bodies as JSON, YAML, the three patch types, apply patches
// and protobuf; answers asked for as JSON, YAML, protobuf and Tables; with
// the admin's token, a refused token, and none. Every answer must be a
// well-formed Status (for an error, in the format asked for) or an object,
// never a 5xx; a refused token and a private path without one get 401; the
// server still serves afterwards, and its heap after a full GC stays within
// HEAP_GROWTH_BOUND of what it was after a warm-up.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import YAML from 'yaml';
import { resources } from '../proto/index.js';
import { isPublicPath } from './auth.js';
import { FUZZ_ADMIN_TOKEN } from './fuzz-target.js';
import { PROTOBUF } from './protobuf.js';
import { exampleObjects } from './test-support.js';

const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 50_000);
const WARM_UP = 5_000;
const CONCURRENCY = 16;
/** How much the server's heap after GC may grow past its size after the warm-up. */
const HEAP_GROWTH_BOUND = 48 * 1024 * 1024;
const TARGET = fileURLToPath(new URL('./fuzz-target.js', import.meta.url));

interface HeapReport {
  readonly heapUsed: number;
  readonly objects: number;
  readonly revision: number;
}

let child: ChildProcess;
let url = '';
before(async () => {
  child = spawn(process.execPath, ['--expose-gc', TARGET], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  url = (JSON.parse(line.toString()) as { url: string }).url;
});
after(async () => {
  const exited = once(child, 'exit');
  child.send('stop');
  await exited;
});

function heap(): Promise<HeapReport> {
  const report = once(child, 'message') as Promise<[HeapReport]>;
  child.send('heap');
  return report.then(([r]) => r);
}

type Auth = 'admin' | 'refused' | 'none';

interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly contentType: string;
  readonly accept: string;
  readonly auth: Auth;
  readonly body: string | Uint8Array | undefined;
}

const validObjects: Record<string, unknown>[] = [
  ...exampleObjects,
  { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'rc' }, spec: { replicas: 2 } },
  { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p' }, target: { kind: 'Node', name: 'n' } },
  { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'p' } },
  { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, propagationPolicy: 'Background' },
];

const anyJson = fc.jsonValue({ maxDepth: 3 });
const names = fc.oneof(fc.constantFrom('p', 'cm', 'ns', 'n', 's', 'd', 'st', 'rc', 'pv', 'pvc', 'l', 'sc', 'es', 'cr', 'e', 'default', 'x'), fc.string({ maxLength: 12 }), fc.constant('a'.repeat(300)));
const namespaces = fc.oneof(fc.constantFrom('default', 'default', 'kube-system', 'missing', 'ns'), fc.string({ maxLength: 8 }));
const queries = fc.array(
  fc.tuple(
    fc.constantFrom('watch', 'labelSelector', 'fieldSelector', 'limit', 'continue', 'resourceVersion', 'resourceVersionMatch', 'timeoutSeconds', 'dryRun', 'gracePeriodSeconds', 'propagationPolicy', 'sendInitialEvents', 'allowWatchBookmarks', 'fieldManager', 'force', 'fieldValidation', 'pretty', 'container', 'follow', 'tailLines'),
    fc.oneof(fc.constantFrom('true', 'false', '0', '1', '-1', 'a=b', 'a in (b', '!x', 'metadata.name=p', 'spec.nodeName=n', 'All', 'Exact', 'NotOlderThan', 'Orphan', 'Foreground', 'Strict', 'Warn', 'Ignore', 'kubectl', '99999999999999999999'), fc.string({ maxLength: 10 })),
  ),
  { maxLength: 3 },
);

/** The example object of a served resource, in the resource's own group and version. */
function exampleFor(resource: (typeof resources)[number]): Record<string, unknown> | undefined {
  const example = validObjects.find((o) => o.kind === resource.kind);
  return example && { ...structuredClone(example), apiVersion: resource.group ? `${resource.group}/${resource.version}` : resource.version };
}
const subresourceBodies = validObjects.filter((o) => ['Scale', 'Binding', 'Eviction', 'DeleteOptions'].includes(o.kind as string));

/** Some parts of an object replaced by random JSON, or dropped. */
const mutations = fc.array(
  fc.tuple(fc.constantFrom('apiVersion', 'kind', 'metadata', 'spec', 'data', 'status', 'metadata.name', 'metadata.labels', 'metadata.namespace', 'metadata.finalizers', 'metadata.ownerReferences', 'spec.containers', 'spec.selector', 'spec.template', 'spec.replicas', 'metadata.resourceVersion', 'metadata.uid'), fc.option(anyJson, { nil: undefined })),
  { maxLength: 3 },
);
function mutate(base: Record<string, unknown>, changes: readonly [string, unknown][]): Record<string, unknown> {
  const object = structuredClone(base);
  for (const [field, value] of changes) {
    const parts = field.split('.');
    let target: Record<string, unknown> = object;
    for (const part of parts.slice(0, -1)) {
      if (typeof target[part] !== 'object' || target[part] === null) target[part] = {};
      target = target[part] as Record<string, unknown>;
    }
    if (value === undefined) delete target[parts[parts.length - 1]!];
    else target[parts[parts.length - 1]!] = value;
  }
  return object;
}

/** Every path into an object (fields and list items, nested), as keys from the root. */
function nodePaths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return entries.flatMap(([k, v]) => [[...at, k], ...nodePaths(v, [...at, k])]);
}

/** Fields of list type across the kinds: a mutation may add one, holding zero values, where the example has none. */
const LIST_FIELDS = [
  'matchExpressions', 'containers', 'initContainers', 'ports', 'env', 'envFrom', 'volumes', 'volumeMounts', 'tolerations', 'taints',
  'ownerReferences', 'finalizers', 'conditions', 'nodeSelectorTerms', 'rules', 'subjects', 'clusterRoleSelectors', 'volumeClaimTemplates',
  'accessModes', 'addresses', 'endpoints', 'imagePullSecrets', 'hostAliases', 'topologySpreadConstraints', 'readinessGates', 'managedFields',
];

/**
 * One node deep in the object (the `pick`th) replaced by a value of the wrong shape, or a list
 * field added to an object node holding one: what Go's decoder turns into zero values.
 */
const deepMutation = fc.tuple(fc.nat(), fc.constantFrom<unknown>(null, {}, [], [null], [{}], '', 0, -1, true, 'x'.repeat(300), { '': null }), fc.option(fc.constantFrom(...LIST_FIELDS), { nil: undefined }));
function mutateDeep(object: Record<string, unknown>, [pick, value, listField]: [number, unknown, string | undefined]): Record<string, unknown> {
  if (listField !== undefined) {
    const nodeAt = (path: (string | number)[]): unknown => path.reduce<unknown>((at, key) => (at as Record<string | number, unknown>)[key], object);
    const objects = [[], ...nodePaths(object)].map(nodeAt).filter((node): node is Record<string, unknown> => node !== null && typeof node === 'object' && !Array.isArray(node));
    objects[pick % objects.length]![listField] = Array.isArray(value) ? structuredClone(value) : [structuredClone(value)];
    return object;
  }
  const paths = nodePaths(object);
  if (paths.length === 0) return object;
  const path = paths[pick % paths.length]!;
  let target = object as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
  target[path[path.length - 1]!] = structuredClone(value);
  return object;
}

/**
 * A request at a served resource: its collection, an object (mostly the example's name, so that
 * reads and writes find it) or a subresource, in the right scope or the wrong one, sometimes with a
 * made-up part; its body the resource's example (or a subresource's), mutated or not.
 */
const resourceTarget = fc
  .record({
    resource: fc.constantFrom(...resources),
    wrongScope: fc.oneof({ weight: 19, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    namespace: fc.oneof({ weight: 6, arbitrary: fc.constant('default') }, { weight: 1, arbitrary: namespaces }),
    name: fc.oneof({ weight: 4, arbitrary: fc.constant('example') }, { weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: names }),
    subresource: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 3, arbitrary: fc.constant('served') }, { weight: 1, arbitrary: fc.constantFrom('nope', 'status', 'scale', 'proxy', 'log', 'exec') }),
    bogusPlural: fc.oneof({ weight: 29, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.string({ maxLength: 10 }) }),
    pick: fc.nat(),
    changes: fc.oneof({ weight: 1, arbitrary: fc.constant([] as [string, unknown][]) }, { weight: 2, arbitrary: mutations }),
    deep: fc.option(deepMutation, { nil: undefined, freq: 2 }),
  })
  .map(({ resource, wrongScope, namespace, name, subresource, bogusPlural, pick, changes, deep }) => {
    let p = resource.group ? `/apis/${resource.group}/${resource.version}` : `/api/${resource.version}`;
    if ((resource.scope === 'Namespaced') !== wrongScope && namespace !== '') p += `/namespaces/${encodeURIComponent(namespace)}`;
    p += `/${encodeURIComponent(bogusPlural ?? resource.plural)}`;
    let base = exampleFor(resource) ?? validObjects[pick % validObjects.length]!;
    const objectName = name === 'example' ? String((base.metadata as { name?: string } | undefined)?.name ?? 'x') : name;
    if (objectName !== undefined) {
      p += `/${encodeURIComponent(objectName)}`;
      const served = resource.subresources.map((s) => s.name);
      const chosen = subresource === 'served' ? served[pick % Math.max(1, served.length)] : subresource;
      if (chosen !== undefined) p += `/${chosen}`;
      if (chosen !== undefined && chosen !== 'status') base = subresourceBodies[pick % subresourceBodies.length]!;
    }
    const object = mutate(base, changes);
    return { path: p, object: deep ? mutateDeep(object, deep) : object };
  });

const groupVersions = [...new Set(resources.map((r) => (r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`)))];
const discoveryTarget = fc
  .tuple(
    fc.constantFrom(
      '/api',
      '/apis',
      ...groupVersions,
      ...groupVersions.map((gv) => `/openapi/v3${gv}`),
      ...[...new Set(resources.map((r) => r.group))].filter(Boolean).map((g) => `/apis/${g}`),
      '/version',
      '/openapi/v2',
      '/openapi/v3',
      '/healthz',
      '/livez',
      '/readyz',
      '/healthz/ping',
      '/metrics',
      '/apis/nope/v1',
      '/api/v2',
      '/nope',
    ),
    fc.constantFrom(...validObjects),
  )
  .map(([path, object]) => ({ path, object }));

const target = fc
  .tuple(fc.oneof({ weight: 8, arbitrary: resourceTarget }, { weight: 1, arbitrary: discoveryTarget }), queries)
  .map(([{ path, object }, query]) => {
    // A watch (or a followed log) that nobody ends would hold the fuzzer up: they time out at once
    // (timeoutSeconds first, as a repeated parameter is read by its first value).
    const search = ['timeoutSeconds=0', ...query.map(([k, v]) => `${k}=${encodeURIComponent(v)}`)].join('&');
    return { path: query.length > 0 ? `${path}?${search}` : path, object };
  });

const jsonPatch = fc.array(
  fc.record({
    op: fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test', 'nope'),
    path: fc.oneof(fc.constantFrom('/metadata/labels/x', '/spec/replicas', '/metadata/name', '/spec/containers/0/image', '/data/k', '/status', '/', '', '/metadata/finalizers/-'), fc.string({ maxLength: 12 })),
    from: fc.option(fc.constantFrom('/metadata/labels', '/spec'), { nil: undefined }),
    value: fc.option(anyJson, { nil: undefined }),
  }),
  { maxLength: 3 },
);

// Protobuf (upstream's magic "k8s\0" then a runtime.Unknown), written by hand: field n of wire type 2 is (n << 3 | 2), a varint length, the bytes.
const varint = (n: number) => {
  const out: number[] = [];
  while (n > 127) {
    out.push((n & 127) | 128);
    n >>>= 7;
  }
  out.push(n);
  return out;
};
const field = (id: number, bytes: Uint8Array | string) => {
  const b = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  return new Uint8Array([(id << 3) | 2, ...varint(b.length), ...b]);
};
const concat = (...parts: Uint8Array[]) => new Uint8Array(parts.flatMap((p) => [...p]));
const MAGIC = new Uint8Array([0x6b, 0x38, 0x73, 0x00]);
const protobufConfigMap = (name: string, key: string, value: string) =>
  concat(MAGIC, field(1, concat(field(1, 'v1'), field(2, 'ConfigMap'))), field(2, concat(field(1, field(1, name)), field(2, concat(field(1, key), field(2, value))))));
const protobufBody = fc.oneof(
  fc.tuple(names, fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })).map(([n, k, v]) => protobufConfigMap(n, k, v)),
  fc.tuple(names, fc.nat(200), fc.nat(255)).map(([n, at, byte]) => {
    const body = protobufConfigMap(n, 'k', 'v');
    body[Math.min(at, body.length - 1)] = byte;
    return body;
  }),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => concat(MAGIC, bytes)),
  fc.uint8Array({ maxLength: 64 }),
);

const contentTypes = ['application/json', 'application/yaml', 'application/merge-patch+json', 'application/json-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml', PROTOBUF, 'text/plain', '', 'application/json; charset=utf-8'];

/** A body for a content type: mostly of its kind (the object as JSON or YAML, a JSON patch, protobuf), sometimes of another. */
const typedBody = (object: Record<string, unknown>) =>
  fc.tuple(fc.constantFrom(...contentTypes), fc.oneof({ weight: 8, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) })).chain(([contentType, fitting]) => {
    const json = JSON.stringify(object);
    let body: fc.Arbitrary<string | Uint8Array | undefined>;
    if (!fitting) body = fc.oneof(fc.string({ maxLength: 40 }), anyJson.map((v) => JSON.stringify(v)), fc.constant(json.slice(0, Math.floor(json.length / 2))), fc.constant(undefined));
    else if (contentType === PROTOBUF) body = protobufBody;
    else if (contentType.includes('yaml')) body = fc.constant(YAML.stringify(object));
    else if (contentType === 'application/json-patch+json') body = jsonPatch.map((p) => JSON.stringify(p));
    else body = fc.constant(json);
    return body.map((b) => ({ contentType, body: b }));
  });

const accepts = fc.constantFrom(
  'application/json',
  'application/json',
  'application/yaml',
  PROTOBUF,
  `${PROTOBUF}, application/json`,
  'application/json;as=Table;v=v1;g=meta.k8s.io',
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
  '*/*',
  'text/html',
  '',
);

const request: fc.Arbitrary<FuzzRequest> = fc
  .record({
    method: fc.constantFrom('GET', 'GET', 'POST', 'POST', 'PUT', 'PUT', 'PATCH', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'),
    target,
    accept: accepts,
    auth: fc.oneof({ weight: 8, arbitrary: fc.constant<Auth>('admin') }, { weight: 1, arbitrary: fc.constant<Auth>('refused') }, { weight: 1, arbitrary: fc.constant<Auth>('none') }),
  })
  .chain(({ method, target: { path, object }, accept, auth }) => typedBody(object).map(({ contentType, body }) => ({ method, path, accept, auth, contentType, body })));

function isStatus(parsed: unknown, code: number): boolean {
  if (typeof parsed !== 'object' || parsed === null) return false;
  const s = parsed as Record<string, unknown>;
  return s.kind === 'Status' && s.apiVersion === 'v1' && s.status === 'Failure' && s.code === code && typeof s.message === 'string' && typeof s.reason === 'string';
}

/** How many answers of each status code. */
const codes = new Map<number, number>();

/** Sends one request; answers what is wrong with the answer, if anything. */
async function send(r: FuzzRequest): Promise<string | undefined> {
  const hasBody = r.body !== undefined && r.method !== 'GET' && r.method !== 'HEAD';
  const headers: Record<string, string> = {};
  if (hasBody && r.contentType) headers['Content-Type'] = r.contentType;
  if (r.accept) headers.Accept = r.accept;
  if (r.auth === 'admin') headers.Authorization = `Bearer ${FUZZ_ADMIN_TOKEN}`;
  if (r.auth === 'refused') headers.Authorization = 'Bearer not-a-token';
  const response = await fetch(url + r.path, { method: r.method, headers, body: hasBody ? r.body : undefined });
  const text = await response.text();
  codes.set(response.status, (codes.get(response.status) ?? 0) + 1);
  const shown = typeof r.body === 'string' ? r.body.slice(0, 200) : r.body ? `<${r.body.length} bytes>` : '';
  const what = `${r.method} ${r.path} [${r.contentType} / accept ${r.accept} / ${r.auth}] ${shown} -> ${response.status} ${text.slice(0, 300)}`;
  // as upstream's NodeConnectionInfoGetter: a node without a kubelet address (one the fuzzer made) makes log and exec a 500.
  if (response.status === 500 && /\/(log|exec)(\?|$)/.test(r.path) && text.includes('reports no kubelet endpoint')) return undefined;
  if (response.status >= 500) return `5xx: ${what}`;
  const mustBe401 = r.auth === 'refused' || (r.auth === 'none' && !isPublicPath(r.path));
  if (mustBe401 !== (response.status === 401)) return `401 expected ${mustBe401}: ${what}`;
  if (r.method === 'HEAD' || response.status === 204) return undefined;
  // as upstream's kube-openapi handler: an Accept it cannot serve gets a bare 406, no Status.
  if (response.status === 406 && r.path.startsWith('/openapi/')) return undefined;
  const type = response.headers.get('content-type') ?? '';
  let parsed: unknown;
  try {
    if (type.startsWith('application/json')) parsed = JSON.parse(text);
    else if (type.startsWith('application/yaml')) parsed = YAML.parse(text);
    else return response.status >= 400 ? `an error that is not a Status: ${what}` : undefined;
  } catch {
    // A watch streams one JSON object per line.
    if (/[?&]watch=(true|1)/.test(r.path) && text.split('\n').every((line) => line === '' || JSON.parse(line))) return undefined;
    return `not ${type}: ${what}`;
  }
  if (response.status >= 400) return isStatus(parsed, response.status) ? undefined : `a malformed Status: ${what}`;
  return typeof parsed === 'object' && parsed !== null ? undefined : `not an object: ${what}`;
}

async function sendAll(requests: readonly FuzzRequest[], problems: string[]): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < requests.length) {
        const r = requests[next++]!;
        const problem = await send(r).catch((error: unknown) => `no answer: ${r.method} ${r.path}: ${String(error)}`);
        if (problem) problems.push(problem);
      }
    }),
  );
}

test(`${REQUESTS} random and mutated requests get a Status or an object, never a 5xx; the server's heap stays bounded`, { timeout: 300_000 }, async () => {
  const started = Date.now();
  const requests = fc.sample(request, { numRuns: REQUESTS, seed: Number(process.env.FUZZ_SEED ?? 20261123) });
  const sampledMs = Date.now() - started;
  const covered = {
    methods: new Set(requests.map((r) => r.method)).size,
    contentTypes: new Set(requests.filter((r) => r.body !== undefined).map((r) => r.contentType)).size,
    resources: resources.filter((res) => requests.some((r) => r.path.startsWith(res.group ? `/apis/${res.group}/${res.version}/` : `/api/${res.version}/`) && r.path.includes(`/${res.plural}`))).length,
    of: resources.length,
  };
  const problems: string[] = [];
  await sendAll(requests.slice(0, WARM_UP), problems);
  const before = await heap();
  await sendAll(requests.slice(WARM_UP), problems);
  await new Promise((resolve) => setTimeout(resolve, 1500)); // the store's compaction runs every second
  const afterAll = await heap();
  assert.deepEqual(problems.slice(0, 10), [], `${problems.length} bad answers`);
  // Still serving: health, a list and a write.
  const admin = { Authorization: `Bearer ${FUZZ_ADMIN_TOKEN}` };
  assert.equal(await (await fetch(`${url}/healthz`)).text(), 'ok');
  assert.equal((await fetch(`${url}/api/v1/namespaces`, { headers: admin })).status, 200);
  const created = await fetch(`${url}/api/v1/namespaces/default/configmaps`, { method: 'POST', headers: { ...admin, 'Content-Type': 'application/json' }, body: JSON.stringify({ metadata: { name: 'after-fuzz' } }) });
  assert.equal(created.status, 201);
  const growth = afterAll.heapUsed - before.heapUsed;
  const mib = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;
  process.stdout.write(`# fuzz: ${REQUESTS} requests in ${Math.round((Date.now() - started) / 100) / 10} s (${Math.round(sampledMs / 100) / 10} s to generate), covering ${JSON.stringify(covered)}; server heap after GC ${mib(before.heapUsed)} MiB after ${WARM_UP}, ${mib(afterAll.heapUsed)} MiB at the end (${before.objects} -> ${afterAll.objects} objects stored, revision ${afterAll.revision}); answers ${JSON.stringify(Object.fromEntries([...codes].sort(([a], [b]) => a - b)))}\n`);
  assert.ok(growth < HEAP_GROWTH_BOUND, `the server's heap grew by ${mib(growth)} MiB (bound ${mib(HEAP_GROWTH_BOUND)} MiB)`);
});
