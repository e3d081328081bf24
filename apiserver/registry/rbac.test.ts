// Roles and bindings: upstream's defaults and validation, and kubectl get's columns.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fieldErrorText } from '../../proto/index.js';
import { roleBindingTable, roleTable } from '../tables/rbac.js';
import { clusterRoleBindingStrategy, clusterRoleStrategy, roleBindingStrategy, roleStrategy } from './rbac.js';
import type { KubeObject } from './strategy.js';

const binding = (extra: Record<string, unknown> = {}): KubeObject => ({
  metadata: { name: 'read-pods', namespace: 'default', creationTimestamp: '2026-01-01T00:00:00Z' },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
  subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'jane' }],
  ...extra,
});

describe('RBAC kinds', () => {
  test('a role needs verbs, and groups and resources unless it names URLs; a namespaced role names no URLs', () => {
    const role = { metadata: { name: 'r', namespace: 'default' }, rules: [{ resources: ['pods'] }, { verbs: ['get'], nonResourceURLs: ['/healthz'], apiGroups: [''] }] };
    assert.deepEqual(roleStrategy.validate(role).map(fieldErrorText), [
      'rules[0].verbs: Required value: verbs must contain at least one value',
      'rules[0].apiGroups: Required value: resource rules must supply at least one api group',
      'rules[1].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs',
      'rules[1].nonResourceURLs: Invalid value: []string{"/healthz"}: rules cannot apply to both regular resources and non-resource URLs',
    ]);
    assert.deepEqual(clusterRoleStrategy.validate({ metadata: { name: 'system:x' }, rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }] }), []);
  });

  test('an aggregationRule needs a selector, each one valid (upstream ValidateClusterRole)', () => {
    const errors = (aggregationRule: unknown) => clusterRoleStrategy.validate({ metadata: { name: 'agg' }, aggregationRule }).map(fieldErrorText);
    assert.deepEqual(errors({}), ['aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil']);
    assert.deepEqual(errors({ clusterRoleSelectors: [] }), ['aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil']);
    assert.deepEqual(errors(null), []);
    assert.deepEqual(errors({ clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } }, { matchExpressions: [{ key: 'tier', operator: 'In', values: ['gold'] }] }] }), []);
    assert.deepEqual(errors({ clusterRoleSelectors: [{ matchLabels: { 'bad key!': 'x' } }, { matchExpressions: [{ key: 'tier', operator: 'Near' }] }] }), [
      'aggregationRule.clusterRoleSelectors[0].matchLabels: Invalid value: "bad key!": name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\')',
      'aggregationRule.clusterRoleSelectors[0]: Invalid value: "null": invalid label selector.',
      'aggregationRule.clusterRoleSelectors[1].matchExpressions[0].operator: Invalid value: "Near": not a valid selector operator',
      'aggregationRule.clusterRoleSelectors[1]: Invalid value: "null": invalid label selector.',
    ]);
  });

  test('names are path segments: colons are fine, slashes are not', () => {
    assert.deepEqual(clusterRoleStrategy.validate({ metadata: { name: 'a/b' } }).map(fieldErrorText), ['metadata.name: Invalid value: "a/b": may not contain \'/\'']);
  });

  test('defaults the role group and the subjects\' groups', () => {
    const object = binding({ roleRef: { kind: 'Role', name: 'pod-reader' }, subjects: [{ kind: 'User', name: 'jane' }, { kind: 'ServiceAccount', name: 'default', namespace: 'x' }] });
    roleBindingStrategy.defaults!(object);
    assert.deepEqual(object.roleRef, { kind: 'Role', name: 'pod-reader', apiGroup: 'rbac.authorization.k8s.io' });
    assert.deepEqual(object.subjects, [
      { kind: 'User', name: 'jane', apiGroup: 'rbac.authorization.k8s.io' },
      { kind: 'ServiceAccount', name: 'default', namespace: 'x', apiGroup: '' },
    ]);
  });

  test('a ClusterRoleBinding grants only ClusterRoles, and its service accounts need a namespace', () => {
    const object = { ...binding({ subjects: [{ kind: 'ServiceAccount', name: 'sa' }, { kind: 'Robot', name: 'r' }] }), metadata: { name: 'b' } };
    assert.deepEqual(clusterRoleBindingStrategy.validate(object).map(fieldErrorText), [
      'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
      'subjects[0].namespace: Required value',
      'subjects[1].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
    ]);
  });

  test('roleRef is immutable', () => {
    const old = binding();
    const changed = binding({ roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' } });
    assert.deepEqual(roleBindingStrategy.validateUpdate!(changed, old).map(fieldErrorText), [
      'roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"view"}: cannot change roleRef',
    ]);
  });

  test('kubectl get shows roles with their creation time, bindings with their role and, wide, their subjects', () => {
    const now = new Date('2026-01-01T00:05:00Z');
    assert.deepEqual(roleTable.cells({ metadata: { name: 'view', creationTimestamp: '2026-01-01T00:00:00Z' } }, now), ['view', '2026-01-01T00:00:00Z']);
    const subjects = [
      { kind: 'User', name: 'jane' },
      { kind: 'User', name: 'joe' },
      { kind: 'Group', name: 'devs' },
      { kind: 'ServiceAccount', name: 'robot', namespace: 'ci' },
    ];
    assert.deepEqual(roleBindingTable.cells(binding({ subjects }), now), ['read-pods', 'Role/pod-reader', '5m', 'jane, joe', 'devs', 'ci/robot']);
  });
});
