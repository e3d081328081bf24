// Impersonation under --authorization-mode=Node,RBAC: each header kind
// allowed or refused in upstream's words, the impersonated user's groups as
// upstream builds them, and that user being the one authorized afterwards,
// on plain requests and on the WebSocket upgrades.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import type { Authenticator } from '../auth.js';
import { startTestServer, type TestServer } from '../test-support.js';
import { impersonatedUser, impersonationTargets, ImpersonateUserRequired, splitServiceAccountUsername } from './impersonation.js';

const byToken: Authenticator = (request) => {
  const token = request.headers.authorization?.replace(/^Bearer /, '');
  if (!token) return undefined;
  return { username: token, groups: token === 'admin' ? ['system:masters', 'system:authenticated'] : ['system:authenticated'] };
};

const RBAC = '/apis/rbac.authorization.k8s.io/v1';
const WHOAMI = '/apis/authentication.k8s.io/v1/selfsubjectreviews';

/** A request with repeated headers (fetch would join them), answered as status and parsed body. */
function send(url: string, method: string, path: string, headers: Record<string, string | string[]>, body?: unknown): Promise<{ status: number; body: any; contentType?: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(url + path, { method, headers: { ...headers, ...(payload ? { 'Content-Type': 'application/json' } : {}) } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode!, body: text.startsWith('{') ? JSON.parse(text) : text, contentType: response.headers['content-type'] });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

describe('impersonation (Impersonate-User, -Group, -Uid, -Extra-*)', () => {
  let server: TestServer;
  const as = (token: string, headers: Record<string, string | string[]> = {}) => ({ Authorization: `Bearer ${token}`, ...headers });
  const whoami = async (token: string, headers: Record<string, string | string[]>) => {
    const answer = await send(server.url, 'POST', WHOAMI, as(token, headers), { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    return answer.body.status.userInfo;
  };

  /** A ClusterRole of `rules` bound to `user`. */
  async function grant(user: string, rules: unknown[]): Promise<void> {
    assert.equal((await server.call('POST', `${RBAC}/clusterroles`, { metadata: { name: user }, rules }, as('admin'))).status, 201);
    const binding = { metadata: { name: user }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: user }, subjects: [{ kind: 'User', name: user }] };
    assert.equal((await server.call('POST', `${RBAC}/clusterrolebindings`, binding, as('admin'))).status, 201);
  }

  before(async () => {
    server = await startTestServer({ authenticator: byToken, authorizationModes: ['Node', 'RBAC'] });
    await grant('support', [{ apiGroups: [''], resources: ['users'], resourceNames: ['jane'], verbs: ['impersonate'] }]);
    await grant('users-only', [{ apiGroups: [''], resources: ['users'], verbs: ['impersonate'] }]);
    await grant('users-groups', [{ apiGroups: [''], resources: ['users', 'groups'], verbs: ['impersonate'] }]);
    await grant('everything-but-extras', [
      { apiGroups: [''], resources: ['users', 'groups'], verbs: ['impersonate'] },
      { apiGroups: ['authentication.k8s.io'], resources: ['uids'], verbs: ['impersonate'] },
    ]);
    const last = () => send(server.url, 'GET', '/api', as('everything-but-extras', { 'Impersonate-User': 'jane', 'Impersonate-Uid': '7' }));
    for (let i = 0; i < 100 && (await last()).status === 403; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  });
  after(() => server.close());

  test('the headers name a user, groups, extras and a uid, in upstream order; a service account by its username', () => {
    const targets = impersonationTargets([
      ['Impersonate-Uid', '7'],
      ['Impersonate-Group', 'devs'],
      ['Impersonate-Extra-Acme.com%2Fteam', 'red'],
      ['Impersonate-User', 'system:serviceaccount:ci:robot'],
      ['Impersonate-Group', 'ops'],
    ]);
    assert.deepEqual(targets, [
      { kind: 'ServiceAccount', namespace: 'ci', name: 'robot' },
      { kind: 'Group', name: 'devs' },
      { kind: 'Group', name: 'ops' },
      { kind: 'UserExtra', name: 'red', key: 'acme.com/team' },
      { kind: 'UID', name: '7' },
    ]);
    assert.deepEqual(impersonationTargets([['Accept', 'application/json']]), []);
    assert.equal(splitServiceAccountUsername('system:serviceaccount:Bad_NS:robot'), undefined);
    assert.equal(splitServiceAccountUsername('system:serviceaccount:a:b:c'), undefined);
    assert.throws(() => impersonationTargets([['impersonate-group', 'devs']]), (error: unknown) => error instanceof ImpersonateUserRequired && error.message === 'requested [{Group  devs    }] without impersonating a user');
  });

  test('the impersonated user is in system:authenticated, after the groups asked for', async () => {
    assert.deepEqual(await whoami('admin', { 'Impersonate-User': 'jane' }), { username: 'jane', groups: ['system:authenticated'] });
    assert.deepEqual(await whoami('admin', { 'Impersonate-User': 'jane', 'Impersonate-Group': ['devs', 'ops'] }), { username: 'jane', groups: ['devs', 'ops', 'system:authenticated'] });
    // Users outside system:authenticated may not ask who they are (system:basic-user): asked of the function itself.
    const requester = { username: 'admin', groups: ['system:masters'] };
    const allowAll = () => ({ allowed: true as const });
    assert.deepEqual(await impersonatedUser(requester, [['Impersonate-User', 'jane'], ['Impersonate-Group', 'system:unauthenticated']], allowAll), { username: 'jane', groups: ['system:unauthenticated'] });
    assert.deepEqual(await impersonatedUser(requester, [['Impersonate-User', 'system:anonymous']], allowAll), { username: 'system:anonymous', groups: ['system:unauthenticated'] });
    assert.deepEqual(await impersonatedUser(requester, [['Impersonate-User', 'system:anonymous'], ['Impersonate-Group', 'system:authenticated']], allowAll), {
      username: 'system:anonymous',
      groups: ['system:authenticated', 'system:unauthenticated'],
    });
    assert.equal(await impersonatedUser(requester, [], allowAll), requester);
    const full = await whoami('admin', { 'Impersonate-User': 'jane', 'Impersonate-Uid': '1234', 'Impersonate-Extra-Scopes': ['view', 'edit'] });
    assert.deepEqual(full, { username: 'jane', uid: '1234', groups: ['system:authenticated'], extra: { scopes: ['view', 'edit'] } });
    assert.deepEqual(await whoami('admin', { 'Impersonate-User': 'system:serviceaccount:ci:robot' }), {
      username: 'system:serviceaccount:ci:robot',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated'],
    });
  });

  test("a requester without impersonate gets upstream's 403 for the first header it may not use", async () => {
    const refusals: [string, Record<string, string | string[]>, string][] = [
      ['alice', { 'Impersonate-User': 'jane' }, 'users "jane" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope'],
      ['support', { 'Impersonate-User': 'bob' }, 'users "bob" is forbidden: User "support" cannot impersonate resource "users" in API group "" at the cluster scope'],
      ['alice', { 'Impersonate-User': 'system:serviceaccount:ci:robot' }, 'serviceaccounts "robot" is forbidden: User "alice" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "ci"'],
      ['users-only', { 'Impersonate-User': 'jane', 'Impersonate-Group': 'devs' }, 'groups "devs" is forbidden: User "users-only" cannot impersonate resource "groups" in API group "" at the cluster scope'],
      ['users-groups', { 'Impersonate-User': 'jane', 'Impersonate-Uid': '1234' }, 'uids.authentication.k8s.io "1234" is forbidden: User "users-groups" cannot impersonate resource "uids" in API group "authentication.k8s.io" at the cluster scope'],
      [
        'everything-but-extras',
        { 'Impersonate-User': 'jane', 'Impersonate-Extra-Scopes': 'view' },
        'userextras.authentication.k8s.io "view" is forbidden: User "everything-but-extras" cannot impersonate resource "userextras/scopes" in API group "authentication.k8s.io" at the cluster scope',
      ],
    ];
    for (const [token, headers, message] of refusals) {
      const answer = await send(server.url, 'GET', '/api/v1/namespaces/default/pods', as(token, headers));
      assert.deepEqual([answer.status, answer.body.reason, answer.body.message], [403, 'Forbidden', message], JSON.stringify(headers));
    }
    assert.deepEqual(await whoami('support', { 'Impersonate-User': 'jane' }), { username: 'jane', groups: ['system:authenticated'] });
    assert.equal((await whoami('everything-but-extras', { 'Impersonate-User': 'jane', 'Impersonate-Uid': '7', 'Impersonate-Group': 'devs' })).uid, '7');
  });

  test('groups, extras or a uid without a user: plain-text 500, as upstream', async () => {
    const answer = await send(server.url, 'GET', '/api/v1/namespaces/default/pods?limit=1&watch=0', as('admin', { 'Impersonate-Group': 'devs' }));
    assert.equal(answer.status, 500);
    assert.equal(answer.contentType, 'text/plain; charset=utf-8');
    assert.equal(answer.body, 'Internal Server Error: "/api/v1/namespaces/default/pods?limit=1&amp;watch=0": requested [{Group  devs    }] without impersonating a user\n');
  });

  test('the impersonated user is the one authorized, on requests and on the WebSocket upgrades', async () => {
    const get = await send(server.url, 'GET', '/api/v1/namespaces/default/pods', as('admin', { 'Impersonate-User': 'jane' }));
    assert.deepEqual([get.status, get.body.message], [403, 'pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "default"']);
    const masters = await send(server.url, 'GET', '/api/v1/namespaces/default/pods', as('admin', { 'Impersonate-User': 'jane', 'Impersonate-Group': 'system:masters' }));
    assert.equal(masters.status, 200);
    const canI = await send(server.url, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', as('admin', { 'Impersonate-User': 'jane' }), { spec: { resourceAttributes: { namespace: 'default', verb: 'list', resource: 'pods' } } });
    assert.deepEqual(canI.body.status, { allowed: false });
    const event = await new Promise<any>((resolve, reject) => {
      const socket = new WebSocket(`${server.url.replace('http', 'ws')}/api/v1/namespaces/default/pods?watch=true`, { headers: as('admin', { 'Impersonate-User': 'jane' }) });
      socket.once('message', (data) => {
        resolve(JSON.parse((data as Buffer).toString('utf8')));
        socket.close();
      });
      socket.once('error', reject);
    });
    assert.deepEqual([event.type, event.object.message], ['ERROR', 'pods is forbidden: User "jane" cannot watch resource "pods" in API group "" in the namespace "default"']);
    const refused = await new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(`${server.url.replace('http', 'ws')}/api/v1/namespaces/default/pods?watch=true`, { headers: as('alice', { 'Impersonate-User': 'jane' }) });
      socket.once('unexpected-response', (_request, response) => {
        resolve(response.statusCode!);
        socket.terminate();
      });
      socket.once('error', reject);
    });
    assert.equal(refused, 403);
  });
});
