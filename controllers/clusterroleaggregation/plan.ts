// The clusterrole-aggregation controller's decision (upstream
// pkg/controller/clusterroleaggregation syncClusterRole): an aggregating
// ClusterRole whose rules differ from what its selectors gather gets them, by
// a server-side apply of its rules alone as upstream's field manager, forced.
// Pure: the roles in, a plan out.
import type { ClusterRole } from 'kubernetes-types/rbac/v1.js';
import { aggregatedRules, sameRules } from '../../proto/index.js';
import { emptyPlan, type Plan } from '../runtime/plan.js';

/** Upstream's field manager for the apply. */
export const AGGREGATION_FIELD_MANAGER = 'clusterrole-aggregation-controller';

/** The plan for `role`, given every ClusterRole there is (role included or not). */
export function planClusterRoleAggregation(role: ClusterRole, clusterRoles: readonly ClusterRole[]): Plan {
  const rules = aggregatedRules(role, clusterRoles);
  if (!rules || sameRules(rules, role.rules)) return emptyPlan;
  const name = role.metadata?.name ?? '';
  // As upstream's rbacv1ac.ClusterRole(name).WithRules(...): no rules, no field (the apply then drops the ones it owned).
  const patch = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, ...(rules.length > 0 ? { rules } : {}) };
  return { ...emptyPlan, patches: [{ kind: 'ClusterRole', name, patchType: 'apply', patch, fieldManager: AGGREGATION_FIELD_MANAGER, force: true, reason: `${rules.length} aggregated rules` }] };
}

/** Upstream's enqueue: any ClusterRole change may change any aggregation, so every aggregating role is looked at again. */
export function aggregatingRoleNames(clusterRoles: readonly ClusterRole[]): string[] {
  return clusterRoles.filter((role) => role.aggregationRule).map((role) => role.metadata?.name ?? '');
}
