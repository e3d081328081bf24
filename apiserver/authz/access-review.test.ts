// SubjectAccessReview and LocalSubjectAccessReview under
// --authorization-mode=Node,RBAC: upstream's validation messages, the answer
// for another user (allowed, reason, no denied on a mere no), and who may ask.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Authenticator } from '../auth.js';
import { startTestServer, type TestServer } from '../test-support.js';

const byToken: Authenticator = (request) => {
  const token = request.headers.authorization?.replace(/^Bearer /, '');
  if (!token) return undefined;
  return { username: token, groups: token === 'admin' ? ['system:masters', 'system:authenticated'] : ['system:authenticated'] };
};

const SARS = '/apis/authorization.k8s.io/v1/subjectaccessreviews';
const localSars = (namespace: string) => `/apis/authorization.k8s.io/v1/namespaces/${namespace}/localsubjectaccessreviews`;
const RBAC = '/apis/rbac.authorization.k8s.io/v1';
const as = (token: string) => ({ Authorization: `Bearer ${token}` });
const listPods = (namespace = 'default') => ({ namespace, verb: 'list', resource: 'pods' });

describe('SubjectAccessReview and LocalSubjectAccessReview', () => {
  let server: TestServer;
  const review = (body: unknown, token = 'admin', path = SARS) => server.call('POST', path, body, as(token));

  before(async () => {
    server = await startTestServer({ authenticator: byToken, authorizationModes: ['Node', 'RBAC'] });
    const bindings: [string, unknown][] = [
      [`${RBAC}/namespaces/default/rolebindings`, { metadata: { name: 'alice-view' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', name: 'alice' }] }],
      [`${RBAC}/clusterrolebindings`, { metadata: { name: 'webhook-delegator' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' }, subjects: [{ kind: 'User', name: 'webhook' }] }],
      [`${RBAC}/namespaces/team/rolebindings`, { metadata: { name: 'lead-admin' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' }, subjects: [{ kind: 'User', name: 'lead' }] }],
    ];
    assert.equal((await server.call('POST', '/api/v1/namespaces', { metadata: { name: 'team' } }, as('admin'))).status, 201);
    for (const [path, body] of bindings) assert.equal((await server.call('POST', path, body, as('admin'))).status, 201, path);
    // The authorizer reads a cache a moment behind the store.
    for (let i = 0; i < 100 && (await review({ spec: { user: 'alice', resourceAttributes: listPods() } })).body.status?.allowed !== true; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  });
  after(() => server.close());

  test("answers for the spec's user: allowed with RBAC's reason, or not allowed and not denied", async () => {
    const yes = await review({ apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { user: 'alice', resourceAttributes: listPods() } });
    assert.equal(yes.status, 201);
    assert.deepEqual(yes.body, {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      metadata: { creationTimestamp: null },
      spec: { user: 'alice', resourceAttributes: listPods() },
      status: { allowed: true, reason: 'RBAC: allowed by RoleBinding "alice-view/default" of ClusterRole "view" to User "alice"' },
    });
    const no = await review({ spec: { user: 'alice', resourceAttributes: listPods('kube-system') } });
    assert.deepEqual(no.body.status, { allowed: false });
  });

  test('takes the groups as given, without system:authenticated', async () => {
    assert.equal((await review({ spec: { groups: ['system:masters'], resourceAttributes: { verb: 'delete', resource: 'nodes' } } })).body.status.allowed, true);
    const discovery = { nonResourceAttributes: { path: '/apis', verb: 'get' } };
    assert.equal((await review({ spec: { user: 'bob', ...discovery } })).body.status.allowed, false);
    assert.equal((await review({ spec: { user: 'bob', groups: ['system:authenticated'], ...discovery } })).body.status.allowed, true);
  });

  test("refuses a spec without a subject or attributes in upstream's words", async () => {
    const noSubject = await review({ spec: { resourceAttributes: listPods() } });
    assert.equal(noSubject.status, 422);
    assert.equal(noSubject.body.message, 'SubjectAccessReview.authorization.k8s.io "" is invalid: spec.user: Invalid value: "": at least one of user or group must be specified');
    const empty = await review({ spec: {} });
    assert.equal(
      empty.body.message,
      'SubjectAccessReview.authorization.k8s.io "" is invalid: [spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified, spec.user: Invalid value: "": at least one of user or group must be specified]',
    );
    const both = await review({ spec: { user: 'a', resourceAttributes: listPods(), nonResourceAttributes: { path: '/x', verb: 'get' } } });
    assert.equal(both.body.message, 'SubjectAccessReview.authorization.k8s.io "" is invalid: spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes{Path:"/x", Verb:"get"}: cannot be specified in combination with resourceAttributes');
    const named = await review({ metadata: { name: 'x' }, spec: { user: 'a', resourceAttributes: listPods() } });
    assert.equal(named.status, 422);
    assert.match(named.body.message, /metadata: Invalid value: .*: must be empty$/);
  });

  test("a LocalSubjectAccessReview asks in the path's namespace only, about resources only", async () => {
    const local = await review({ spec: { user: 'alice', resourceAttributes: listPods() } }, 'admin', localSars('default'));
    assert.equal(local.status, 201);
    assert.deepEqual([local.body.kind, local.body.metadata, local.body.status.allowed], ['LocalSubjectAccessReview', { namespace: 'default', creationTimestamp: null }, true]);
    const elsewhere = await review({ spec: { user: 'alice', resourceAttributes: listPods('default') } }, 'admin', localSars('team'));
    assert.equal(elsewhere.status, 422);
    assert.equal(elsewhere.body.message, 'LocalSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes.namespace: Invalid value: "default": must match metadata.namespace');
    const path = await review({ spec: { user: 'alice', nonResourceAttributes: { path: '/apis', verb: 'get' } } }, 'admin', localSars('team'));
    assert.equal(path.body.message, 'LocalSubjectAccessReview.authorization.k8s.io "" is invalid: spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes{Path:"/apis", Verb:"get"}: disallowed on this kind of request');
    const moved = await review({ metadata: { namespace: 'default' }, spec: { user: 'alice', resourceAttributes: listPods('team') } }, 'admin', localSars('team'));
    assert.deepEqual([moved.status, moved.body.message], [400, 'the namespace of the provided object does not match the namespace sent on the request']);
  });

  test('asking about others needs create on subjectaccessreviews (system:auth-delegator) or localsubjectaccessreviews (admin)', async () => {
    const body = { spec: { user: 'alice', resourceAttributes: listPods('team') } };
    const refused = await review(body, 'alice');
    assert.equal(refused.status, 403);
    assert.equal(refused.body.message, 'subjectaccessreviews.authorization.k8s.io is forbidden: User "alice" cannot create resource "subjectaccessreviews" in API group "authorization.k8s.io" at the cluster scope');
    assert.equal((await review(body, 'webhook')).status, 201);
    assert.equal((await review(body, 'lead', localSars('team'))).status, 201);
    const otherNamespace = await review({ spec: { user: 'alice', resourceAttributes: listPods() } }, 'lead', localSars('default'));
    assert.equal(otherNamespace.body.message, 'localsubjectaccessreviews.authorization.k8s.io is forbidden: User "lead" cannot create resource "localsubjectaccessreviews" in API group "authorization.k8s.io" in the namespace "default"');
  });

  test('bad bodies are Status errors, never a crash', async () => {
    for (const body of ['{', '[]', 'null', '{"spec":"x"}', '{"spec":{"user":5,"resourceAttributes":7}}', '{"spec":{"groups":"x","resourceAttributes":{}}}']) {
      const answer = await server.call('POST', SARS, body, as('admin'));
      assert.ok([400, 422, 201].includes(answer.status), `${body}: ${answer.status} ${JSON.stringify(answer.body)}`);
      assert.equal(typeof answer.body, 'object', body);
    }
  });
});
