// The server's bounds: requests in flight (429 with Retry-After, mutating and
// read-only apart, long-running and system:masters not turned away), watches
// per client, list page size, body size, and bodies built to cost memory
// (deep nesting, YAML alias bombs), refused with a Status before they do.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Authenticator, Authorizer } from './auth.js';
import { classify } from './limits.js';
import { MAX_BODY_BYTES } from './server.js';
import { startTestServer, type TestServer } from './test-support.js';

/** "Bearer admin" is a system:masters user, any other token a plain one. */
const byToken: Authenticator = (request) => {
  const token = request.headers.authorization?.replace(/^Bearer /, '') ?? 'someone';
  return { username: token, groups: token === 'admin' ? ['system:masters', 'system:authenticated'] : ['system:authenticated'] };
};

describe('requests in flight', () => {
  let server: TestServer;
  let gate: Promise<void> = Promise.resolve();
  let open: () => void = () => undefined;
  let arrived = 0;
  /** Holds every resource request in authorization (after it was counted) until open() is called. */
  const holding: Authorizer = async () => {
    arrived += 1;
    await gate;
    return { allowed: true };
  };
  const hold = () => {
    arrived = 0;
    gate = new Promise((resolve) => (open = resolve));
  };
  before(async () => {
    server = await startTestServer({ authenticator: byToken, authorizer: holding, limits: { maxMutatingInFlight: 2, maxReadOnlyInFlight: 1 } });
  });
  after(async () => {
    open();
    await server.close();
  });
  const configMap = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });
  const waitFor = async (count: number) => {
    while (arrived < count) await new Promise((resolve) => setTimeout(resolve, 5));
  };

  test('past the mutating bound: 429 TooManyRequests with Retry-After 1; reads are counted apart', async () => {
    hold();
    const held = [server.call('POST', '/api/v1/namespaces/default/configmaps', configMap('a')), server.call('POST', '/api/v1/namespaces/default/configmaps', configMap('b'))];
    await waitFor(2);
    const refused = await server.call('POST', '/api/v1/namespaces/default/configmaps', configMap('c'));
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('retry-after'), '1');
    assert.deepEqual(refused.body, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Too many requests, please try again later.',
      reason: 'TooManyRequests',
      details: { retryAfterSeconds: 1 },
      code: 429,
    });
    // A read still gets in: its bound is its own.
    const read = server.call('GET', '/api/v1/namespaces/default/configmaps');
    await waitFor(3);
    // system:masters is never turned away, as upstream.
    const admin = server.call('POST', '/api/v1/namespaces/default/configmaps', configMap('d'), { Authorization: 'Bearer admin' });
    await waitFor(4);
    open();
    assert.deepEqual((await Promise.all(held)).map((a) => a.status), [201, 201]);
    assert.equal((await read).status, 200);
    assert.equal((await admin).status, 201);
    assert.equal((await server.call('GET', '/api/v1/namespaces/default/configmaps/c')).status, 404, 'the refused create wrote nothing');
    // Released: the next write goes through.
    assert.equal((await server.call('POST', '/api/v1/namespaces/default/configmaps', configMap('e'))).status, 201);
  });

  test('watches, exec and followed logs are long-running and not counted', () => {
    assert.equal(classify('GET', '/api/v1/pods?watch=true'), 'longRunning');
    assert.equal(classify('GET', '/api/v1/watch/pods'), 'longRunning');
    assert.equal(classify('GET', '/apis/apps/v1/watch/namespaces/x/daemonsets'), 'longRunning');
    assert.equal(classify('POST', '/api/v1/namespaces/x/pods/p/exec?command=ls'), 'longRunning');
    assert.equal(classify('GET', '/api/v1/namespaces/x/pods/p/log?follow=true'), 'longRunning');
    assert.equal(classify('GET', '/api/v1/namespaces/x/pods/p/log'), 'readOnly');
    assert.equal(classify('GET', '/api/v1/pods?watcher=true'), 'readOnly');
    assert.equal(classify('DELETE', '/api/v1/namespaces/x/pods/p'), 'mutating');
  });
});

describe('watches per client and list pages', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ limits: { maxWatchesPerClient: 2, maxListPageSize: 2 } });
  });
  after(() => server.close());

  test('a client past its watches gets 429; a closed watch frees its place', async () => {
    const controllers = [new AbortController(), new AbortController()];
    const watches = await Promise.all(controllers.map((c) => fetch(`${server.url}/api/v1/configmaps?watch=true`, { signal: c.signal })));
    assert.deepEqual(watches.map((w) => w.status), [200, 200]);
    const third = await server.call('GET', '/api/v1/configmaps?watch=true');
    assert.equal(third.status, 429);
    assert.match(third.body.message, /^too many watches open: kubelab-admin from 127\.0\.0\.1 holds 2, the most one client may$/);
    controllers[0]!.abort();
    await watches[0]!.body?.cancel().catch(() => undefined);
    let again: Response | undefined;
    const retry = new AbortController();
    for (let i = 0; i < 100 && again?.status !== 200; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      again = await fetch(`${server.url}/api/v1/configmaps?watch=true`, { signal: retry.signal });
      if (again.status !== 200) await again.text();
    }
    assert.equal(again?.status, 200);
    retry.abort();
    controllers[1]!.abort();
  });

  test('a list asking for more than the largest page gets that page and a continue token', async () => {
    for (const name of ['p1', 'p2', 'p3']) await server.call('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });
    const page = await server.call('GET', '/api/v1/namespaces/default/configmaps?limit=100');
    assert.equal(page.body.items.length, 2);
    assert.ok(page.body.metadata.continue);
    const rest = await server.call('GET', `/api/v1/namespaces/default/configmaps?limit=100&continue=${page.body.metadata.continue}`);
    assert.equal(rest.body.items.length, 1);
  });
});

describe('bodies that cost memory', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());
  const revision = (data: string) => `{"apiVersion":"apps/v1","kind":"ControllerRevision","metadata":{"name":"deep"},"revision":1,"data":${data}}`;

  test('JSON nested past 1000 levels is refused before parsing, in any field; 1000 is served', async () => {
    for (const bomb of ['['.repeat(100_000) + ']'.repeat(100_000), '{"a":'.repeat(1001) + '1' + '}'.repeat(1001)]) {
      const answer = await server.call('POST', '/apis/apps/v1/namespaces/default/controllerrevisions', revision(bomb));
      assert.equal(answer.status, 400);
      assert.equal(answer.body.message, 'the request body nests more than 1000 levels deep');
    }
    const deepest = '{"a":'.repeat(998) + '1' + '}'.repeat(998);
    assert.equal((await server.call('POST', '/apis/apps/v1/namespaces/default/controllerrevisions', revision(deepest))).status, 201);
    // Brackets inside strings are text, not nesting.
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'brackets' }, data: { x: '['.repeat(5000) } });
    assert.equal((await server.call('POST', '/api/v1/namespaces/default/configmaps', text)).status, 201);
  });

  test('YAML: an alias bomb and block-style nesting past the bound are refused', async () => {
    let lines = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    let previous = 'a';
    for (const name of 'bcdefghi') {
      lines += `${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]\n`;
      previous = name;
    }
    const bomb = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: laughs\nextra:\n${lines.replace(/^/gm, '  ')}`;
    const laughs = await server.call('POST', '/api/v1/namespaces/default/configmaps', bomb, { 'Content-Type': 'application/yaml' });
    assert.equal(laughs.status, 400);
    assert.match(laughs.body.message, /^error converting YAML to JSON: Excessive alias count/);
    let block = 'apiVersion: apps/v1\nkind: ControllerRevision\nmetadata:\n  name: deep-yaml\nrevision: 1\ndata:\n';
    for (let depth = 1; depth <= 1001; depth += 1) block += `${' '.repeat(depth)}a:\n`;
    block += `${' '.repeat(1002)}1\n`;
    const deep = await server.call('POST', '/apis/apps/v1/namespaces/default/controllerrevisions', block, { 'Content-Type': 'application/yaml' });
    assert.equal(deep.status, 400);
    assert.equal(deep.body.message, 'the request body nests more than 1000 levels deep');
  });

  test('a body over 3 MiB is 413 RequestEntityTooLarge', async () => {
    const big = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { x: 'x'.repeat(MAX_BODY_BYTES) } });
    const answer = await server.call('POST', '/api/v1/namespaces/default/configmaps', big);
    assert.equal(answer.status, 413);
    assert.equal(answer.body.reason, 'RequestEntityTooLarge');
  });
});
