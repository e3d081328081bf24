// kubectl get roles, clusterroles, rolebindings and clusterrolebindings
// (upstream printers.go printRole, printClusterRole, printRoleBinding,
// printClusterRoleBinding): roles show when they were made, bindings which
// role they grant and, with -o wide, to whom.
import type { KubeObject, TableConvertor } from '../registry/strategy.js';
import { ageColumn, ageOf, column, nameColumn, nameOf } from './format.js';

const createdAtColumn = column('Created At', 'date', 'CreationTimestamp is a timestamp representing the server time when this object was created.');

/**
 * Roles and ClusterRoles: `NAME CREATED AT`, the time in UTC as RFC 3339. The same columns as
 * upstream's default table convertor (apiserver/pkg/registry/rest/table.go), which
 * CustomResourceDefinitions are printed with.
 */
export const roleTable: TableConvertor = {
  columns: [nameColumn, createdAtColumn],
  cells: (object) => [nameOf(object), rfc3339(object.metadata?.creationTimestamp)],
};

function rfc3339(timestamp: string | undefined): string {
  if (!timestamp) return '0001-01-01T00:00:00Z';
  return new Date(timestamp).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

interface SubjectLike {
  kind?: string;
  name?: string;
  namespace?: string;
}

/** As upstream rbac.SubjectsStrings: users, groups and service accounts (`namespace/name`). */
export function subjectsStrings(binding: KubeObject): { users: string[]; groups: string[]; serviceAccounts: string[] } {
  const subjects = (binding.subjects ?? []) as SubjectLike[];
  const named = (kind: string) => subjects.filter((s) => s.kind === kind).map((s) => s.name ?? '');
  const serviceAccounts = subjects.filter((s) => s.kind === 'ServiceAccount').map((s) => `${s.namespace ?? ''}/${s.name ?? ''}`);
  return { users: named('User'), groups: named('Group'), serviceAccounts };
}

/** RoleBindings and ClusterRoleBindings: `NAME ROLE AGE`, and `USERS GROUPS SERVICEACCOUNTS` with -o wide. */
export const roleBindingTable: TableConvertor = {
  columns: [
    nameColumn,
    column('Role', 'string', 'RoleRef can only reference a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable.'),
    ageColumn,
    column('Users', 'string', 'Users in the roleBinding', 1),
    column('Groups', 'string', 'Groups in the roleBinding', 1),
    column('ServiceAccounts', 'string', 'ServiceAccounts in the roleBinding', 1),
  ],
  cells(object, now) {
    const ref = (object.roleRef ?? {}) as { kind?: string; name?: string };
    const { users, groups, serviceAccounts } = subjectsStrings(object);
    return [nameOf(object), `${ref.kind ?? ''}/${ref.name ?? ''}`, ageOf(object, now), users.join(', '), groups.join(', '), serviceAccounts.join(', ')];
  },
};

/** The reviews are never listed; a table names them, as upstream's default table convertor does. */
export const reviewTable: TableConvertor = {
  columns: [nameColumn, ageColumn],
  cells: (object, now) => [nameOf(object), ageOf(object, now)],
};
