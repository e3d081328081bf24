// RBAC's escalation prevention over HTTP, under --authorization-mode=RBAC: a
// user who may write Roles and RoleBindings may grant only what it holds,
// unless it may `bind` (or `escalate`) the role; system:masters may grant anything.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Authenticator, UserInfo } from '../auth.js';
import { startTestServer, type TestServer } from '../test-support.js';

const ADMIN: UserInfo = { username: 'admin', groups: ['system:masters', 'system:authenticated'] };
const byToken: Authenticator = (request) => {
  const token = request.headers.authorization?.replace(/^Bearer /, '');
  if (!token) return undefined;
  return token === 'admin' ? ADMIN : { username: token, groups: ['system:authenticated'] };
};

const RBAC = '/apis/rbac.authorization.k8s.io/v1';
const ROLES = `${RBAC}/namespaces/default/roles`;
const BINDINGS = `${RBAC}/namespaces/default/rolebindings`;
const role = (name: string, rules: object[]) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name }, rules });
const binding = (name: string, user: string, kind: 'Role' | 'ClusterRole', roleName: string) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: { name },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind, name: roleName },
  subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: user }],
});
const podRules = (...verbs: string[]) => [{ apiGroups: [''], resources: ['pods'], verbs }];

describe('escalation prevention', () => {
  let server: TestServer;
  const as = (user: string, method: string, path: string, body?: unknown, contentType?: string) =>
    server.call(method, path, body, { Authorization: `Bearer ${user}`, ...(contentType ? { 'Content-Type': contentType } : {}) });
  /** The authorizer reads the watch cache: a binding the admin just wrote takes a moment. */
  async function until(what: string, probe: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + 5_000;
    while (!(await probe())) {
      if (Date.now() > deadline) throw new Error(`${what}: not within 5 s`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  before(async () => {
    server = await startTestServer({ authenticator: byToken, authorizationModes: ['RBAC'] });
    const writer = [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'], verbs: ['get', 'create', 'update', 'patch'] }];
    for (const [path, object] of [
      [ROLES, role('pod-reader', podRules('get', 'list'))],
      [ROLES, role('rbac-writer', writer)],
      [BINDINGS, binding('alice-reads', 'alice', 'Role', 'pod-reader')],
      [BINDINGS, binding('alice-writes', 'alice', 'Role', 'rbac-writer')],
    ] as const) {
      assert.equal((await as('admin', 'POST', path, object)).status, 201);
    }
    await until('alice may list pods', async () => (await as('alice', 'GET', '/api/v1/namespaces/default/pods')).status === 200);
  });
  after(() => server.close());

  test('a Role with rules the user holds is created', async () => {
    const created = await as('alice', 'POST', ROLES, role('mine', podRules('get')));
    assert.equal(created.status, 201, JSON.stringify(created.body));
  });

  test('a Role with a rule the user lacks is 403 in upstream words, and nothing is stored', async () => {
    const refused = await as('alice', 'POST', ROLES, role('more', podRules('get', 'delete', 'deletecollection')));
    assert.equal(refused.status, 403);
    assert.equal(
      refused.body.message,
      'roles.rbac.authorization.k8s.io "more" is forbidden: user "alice" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
        '{APIGroups:[""], Resources:["pods"], Verbs:["delete" "deletecollection"]}',
    );
    assert.equal((await as('admin', 'GET', `${ROLES}/more`)).status, 404);
  });

  test('a patch that adds a rule the user lacks is refused and leaves the Role as it was', async () => {
    const patch = { rules: podRules('get', 'delete') };
    const refused = await as('alice', 'PATCH', `${ROLES}/mine`, patch, 'application/merge-patch+json');
    assert.equal(refused.status, 403);
    assert.match(refused.body.message, /is attempting to grant RBAC permissions not currently held:\n\{APIGroups:\[""\], Resources:\["pods"\], Verbs:\["delete"\]\}$/);
    assert.deepEqual((await as('admin', 'GET', `${ROLES}/mine`)).body.rules, podRules('get'));
  });

  test('binding a role whose rules the user holds is allowed; binding edit is not, until the user may bind it', async () => {
    assert.equal((await as('alice', 'POST', BINDINGS, binding('bob-reads', 'bob', 'Role', 'pod-reader'))).status, 201);
    const refused = await as('alice', 'POST', BINDINGS, binding('bob-edits', 'bob', 'ClusterRole', 'edit'));
    assert.equal(refused.status, 403);
    assert.match(refused.body.message, /^rolebindings\.rbac\.authorization\.k8s\.io "bob-edits" is forbidden: user "alice" \(groups=\["system:authenticated"\]\) is attempting to grant RBAC permissions not currently held:\n/);

    const bindEdit = [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], resourceNames: ['edit'], verbs: ['bind'] }];
    assert.equal((await as('admin', 'POST', ROLES, role('may-bind-edit', bindEdit))).status, 201);
    assert.equal((await as('admin', 'POST', BINDINGS, binding('alice-binds', 'alice', 'Role', 'may-bind-edit'))).status, 201);
    await until('alice may bind edit', async () => (await as('alice', 'POST', `${BINDINGS}?dryRun=All`, binding('bob-edits', 'bob', 'ClusterRole', 'edit'))).status === 201);
    assert.equal((await as('alice', 'POST', BINDINGS, binding('bob-edits', 'bob', 'ClusterRole', 'edit'))).status, 201);
  });

  test('a binding to a role that does not exist is 403 naming it', async () => {
    const refused = await as('alice', 'POST', BINDINGS, binding('ghost', 'bob', 'Role', 'no-such-role'));
    assert.equal(refused.status, 403);
    assert.equal(refused.body.message, 'rolebindings.rbac.authorization.k8s.io "ghost" is forbidden: role.rbac.authorization.k8s.io "no-such-role" not found');
  });

  test('an aggregationRule, set or taken away, takes cluster-admin rights or escalate (upstream newClusterRoleStorage)', async () => {
    const CLUSTER_ROLES = `${RBAC}/clusterroles`;
    const clusterRole = (name: string, extra: object = {}) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules: podRules('get'), ...extra });
    const aggregationRule = { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } }] };
    const writer = [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['get', 'create', 'update', 'patch'] }, ...podRules('get')];
    assert.equal((await as('admin', 'POST', CLUSTER_ROLES, clusterRole('clusterrole-writer', { rules: writer }))).status, 201);
    const carolWrites = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'carol-writes' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'clusterrole-writer' }, subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'carol' }] };
    assert.equal((await as('admin', 'POST', `${RBAC}/clusterrolebindings`, carolWrites)).status, 201);
    await until('carol may write clusterroles', async () => (await as('carol', 'POST', `${CLUSTER_ROLES}?dryRun=All`, clusterRole('plain'))).status === 201);

    const refused = await as('carol', 'POST', CLUSTER_ROLES, clusterRole('monitoring', { aggregationRule, rules: [] }));
    assert.equal(refused.status, 403);
    assert.equal(refused.body.message, 'clusterroles.rbac.authorization.k8s.io "monitoring" is forbidden: must have cluster-admin privileges to use the aggregationRule');
    assert.equal((await as('carol', 'POST', CLUSTER_ROLES, clusterRole('plain'))).status, 201);
    assert.equal((await as('carol', 'PATCH', `${CLUSTER_ROLES}/plain`, { aggregationRule }, 'application/merge-patch+json')).status, 403);
    // Taking the rule away from an aggregated role is refused too: it is checked on the stored role.
    assert.equal((await as('admin', 'POST', CLUSTER_ROLES, clusterRole('monitoring', { aggregationRule, rules: [] }))).status, 201);
    const stored = (await as('admin', 'GET', `${CLUSTER_ROLES}/monitoring`)).body as Record<string, unknown>;
    const untaken = await as('carol', 'PUT', `${CLUSTER_ROLES}/monitoring`, { ...stored, aggregationRule: undefined });
    assert.equal(untaken.status, 403);
    assert.match(untaken.body.message, /must have cluster-admin privileges to use the aggregationRule$/);

    // escalate on clusterroles is enough, as upstream's RoleEscalationAuthorized (the controller's way).
    const escalate = [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['escalate'] }];
    assert.equal((await as('admin', 'POST', CLUSTER_ROLES, clusterRole('clusterrole-escalator', { rules: escalate }))).status, 201);
    const carolEscalates = { ...carolWrites, metadata: { name: 'carol-escalates' }, roleRef: { ...carolWrites.roleRef, name: 'clusterrole-escalator' } };
    assert.equal((await as('admin', 'POST', `${RBAC}/clusterrolebindings`, carolEscalates)).status, 201);
    await until('carol may escalate', async () => (await as('carol', 'POST', CLUSTER_ROLES, clusterRole('monitoring-2', { aggregationRule, rules: [] }))).status === 201);
  });

  test('system:masters grants anything', async () => {
    assert.equal((await as('admin', 'POST', ROLES, role('everything', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]))).status, 201);
  });
});
