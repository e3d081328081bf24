// The authentication and authorization seams of the pipeline: who a request
// is from decides 401, what that user may do decides 403, on every route and
// on WebSocket watches, with upstream's Status bodies.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { isPublicPath, type Authenticator, type Authorizer } from './auth.js';
import { pod, startTestServer, type TestServer } from './test-support.js';

/** A test authenticator: the user a bearer token names ("Bearer alice"). */
const byToken: Authenticator = (request) => {
  const token = request.headers.authorization?.replace(/^Bearer /, '');
  return token ? { username: token, groups: ['system:authenticated'] } : undefined;
};

/** alice may do anything; bob may only list pods in default; anyone may read the public paths (as system:public-info-viewer). */
const aliceAndBob: Authorizer = (user, attributes) => {
  if (user.username === 'alice') return { allowed: true };
  if (!attributes.resource && attributes.verb === 'get' && isPublicPath(attributes.path)) return { allowed: true };
  const r = attributes.resource;
  if (user.username === 'bob' && r?.resource.plural === 'pods' && r.verb === 'list' && r.namespace === 'default') return { allowed: true };
  return { allowed: false };
};

describe('authentication and authorization seams', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ authenticator: byToken, authorizer: aliceAndBob });
  });
  after(() => server.close());
  const as = (user: string) => ({ Authorization: `Bearer ${user}` });

  test('no credentials: 401 Unauthorized, except the health checks and /version', async () => {
    for (const path of ['/api/v1/namespaces/default/pods', '/api', '/apis', '/openapi/v2', '/metrics']) {
      const answer = await server.call('GET', path);
      assert.equal(answer.status, 401, path);
      assert.deepEqual(answer.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    }
    for (const path of ['/healthz', '/livez', '/readyz', '/version']) assert.equal((await server.call('GET', path)).status, 200, path);
  });

  test("a user the authorizer refuses gets upstream's 403, and nothing is written", async () => {
    assert.equal((await server.call('GET', '/api/v1/namespaces/default/pods', undefined, as('bob'))).status, 200);
    const denied = await server.call('POST', '/api/v1/namespaces/default/pods', pod('nope'), as('bob'));
    assert.equal(denied.status, 403);
    assert.equal(denied.body.reason, 'Forbidden');
    assert.equal(denied.body.message, 'pods is forbidden: User "bob" cannot create resource "pods" in API group "" in the namespace "default"');
    // As upstream's StatusDetails: the core group is empty, so left out.
    assert.deepEqual(denied.body.details, { kind: 'pods' });
    const named = await server.call('GET', '/api/v1/namespaces/default/pods/nope/status', undefined, as('bob'));
    assert.equal(named.body.message, 'pods "nope" is forbidden: User "bob" cannot get resource "pods/status" in API group "" in the namespace "default"');
    assert.equal((await server.call('GET', '/api/v1/namespaces/default/pods/nope', undefined, as('alice'))).status, 404);
  });

  test('a WebSocket watch is refused with the 403 Status as its one event', async () => {
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}/api/v1/pods?watch=true`, { headers: as('bob') });
    const [message] = await new Promise<[string]>((resolve, reject) => {
      socket.once('message', (data) => resolve([(data as Buffer).toString('utf8')]));
      socket.once('error', reject);
    });
    socket.close();
    const event = JSON.parse(message) as { type: string; object: { code: number; message: string } };
    assert.equal(event.type, 'ERROR');
    assert.equal(event.object.code, 403);
    assert.equal(event.object.message, 'pods is forbidden: User "bob" cannot watch resource "pods" in API group "" at the cluster scope');
  });
});
