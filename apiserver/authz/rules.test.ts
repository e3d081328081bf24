// Upstream's RBAC rule matching and the RBAC authorizer's visit of bindings, table-driven.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { UserInfo } from '../auth.js';
import type { KubeObject } from '../registry/strategy.js';
import { RbacAuthorizer } from './rbac.js';
import { ruleAllows, type Attributes, type PolicyRule } from './rules.js';

const alice: UserInfo = { username: 'alice', groups: ['students', 'system:authenticated'] };

const request = (extra: Partial<Attributes>): Attributes => ({
  user: alice,
  verb: 'get',
  resourceRequest: true,
  group: '',
  resource: 'pods',
  subresource: '',
  namespace: 'default',
  name: '',
  path: '',
  ...extra,
});

describe('RBAC rule matching', () => {
  const cases: [string, PolicyRule, Partial<Attributes>, boolean][] = [
    ['a verb and resource in the group', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, {}, true],
    ['another verb', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, { verb: 'list' }, false],
    ['another group', { verbs: ['get'], apiGroups: ['apps'], resources: ['pods'] }, {}, false],
    ['* verbs, groups and resources', { verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { group: 'apps', resource: 'daemonsets', subresource: 'status' }, true],
    ['pods does not grant pods/log', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, { subresource: 'log' }, false],
    ['pods/log grants pods/log', { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }, { subresource: 'log' }, true],
    ['*/scale grants any scale', { verbs: ['get'], apiGroups: ['*'], resources: ['*/scale'] }, { group: 'apps', resource: 'statefulsets', subresource: 'scale' }, true],
    ['*/scale does not grant status', { verbs: ['get'], apiGroups: ['*'], resources: ['*/scale'] }, { subresource: 'status' }, false],
    ['a resource name that matches', { verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['web'] }, { name: 'web' }, true],
    ['a resource name that does not', { verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['web'] }, { name: 'db' }, false],
    ['resource names and a list (no name)', { verbs: ['list'], apiGroups: [''], resources: ['pods'], resourceNames: ['web'] }, { verb: 'list' }, false],
    ['a URL exactly', { verbs: ['get'], nonResourceURLs: ['/healthz'] }, { resourceRequest: false, path: '/healthz' }, true],
    ['a URL with a trailing *', { verbs: ['get'], nonResourceURLs: ['/apis/*'] }, { resourceRequest: false, path: '/apis/apps/v1' }, true],
    ['a URL prefix without *', { verbs: ['get'], nonResourceURLs: ['/apis'] }, { resourceRequest: false, path: '/apis/apps' }, false],
    ['a URL rule never grants a resource', { verbs: ['get'], nonResourceURLs: ['*'] }, {}, false],
  ];
  for (const [name, rule, attributes, allowed] of cases) {
    test(`${name}: ${allowed ? 'allowed' : 'not allowed'}`, () => assert.equal(ruleAllows(request(attributes), rule), allowed));
  }
});

describe('RBAC authorizer', () => {
  const binding = (name: string, namespace: string | undefined, roleRef: { kind: string; name: string }, subjects: object[]): KubeObject => ({
    metadata: { name, ...(namespace ? { namespace } : {}) },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef },
    subjects,
  });
  const clusterRoles = new Map<string, KubeObject>([['view', { metadata: { name: 'view' }, rules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }] }]]);
  const roles = new Map<string, KubeObject>([['lab/deployer', { metadata: { name: 'deployer', namespace: 'lab' }, rules: [{ verbs: ['create'], apiGroups: [''], resources: ['pods'] }] }]]);
  const clusterBindings = [binding('students-view', undefined, { kind: 'ClusterRole', name: 'view' }, [{ kind: 'Group', name: 'students' }])];
  const roleBindings = [
    binding('deploy', 'lab', { kind: 'Role', name: 'deployer' }, [{ kind: 'User', name: 'alice' }]),
    binding('ghost', 'lab', { kind: 'ClusterRole', name: 'missing' }, [{ kind: 'ServiceAccount', name: 'robot' }]),
  ];
  const rbac = new RbacAuthorizer({
    clusterRoleBindings: () => clusterBindings,
    roleBindings: (namespace) => roleBindings.filter((b) => b.metadata?.namespace === namespace),
    clusterRole: (name) => clusterRoles.get(name),
    role: (namespace, name) => roles.get(`${namespace}/${name}`),
  });

  test('a ClusterRoleBinding to a group grants in every namespace, and says so', () => {
    assert.deepEqual(rbac.authorize(request({ verb: 'list', namespace: 'other' })), {
      allowed: true,
      reason: 'RBAC: allowed by ClusterRoleBinding "students-view" of ClusterRole "view" to Group "students"',
    });
  });

  test('a RoleBinding grants only in its namespace', () => {
    assert.equal(rbac.authorize(request({ verb: 'create', namespace: 'lab' })).allowed, true);
    assert.deepEqual(rbac.authorize(request({ verb: 'create', namespace: 'default' })), { allowed: false, reason: '' });
  });

  test('a service account in a binding without a namespace is of the binding\'s; a missing role is the reason given', () => {
    const robot: UserInfo = { username: 'system:serviceaccount:lab:robot', groups: [] };
    assert.deepEqual(rbac.authorize(request({ user: robot, namespace: 'lab' })), { allowed: false, reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "missing" not found' });
  });

  test('the rules of a user in a namespace: cluster-wide ones, then the namespace\'s', () => {
    assert.deepEqual(rbac.rulesFor(alice, 'lab').map((rule) => rule.verbs), [['get', 'list'], ['create']]);
  });
});
