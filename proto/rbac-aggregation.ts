// ClusterRole aggregation, the decision both sides make (upstream
// pkg/controller/clusterroleaggregation syncClusterRole): a ClusterRole with
// an aggregationRule has the rules of every other ClusterRole its
// clusterRoleSelectors match, selector by selector, the matches of each in
// name order, each rule once. The clusterrole-aggregation controller writes
// it; the apiserver uses it for its bootstrap roles. Pure.
import { selectorFromLabelSelector, type ApiLabelSelector } from './selectors/index.js';

/** An RBAC PolicyRule (rbac/v1), what the apiserver's authorizer matches and aggregation gathers. */
export interface PolicyRule {
  readonly verbs: readonly string[];
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

/** What aggregation reads of a ClusterRole. */
export interface AggregatableClusterRole {
  readonly metadata?: { readonly name?: string; readonly labels?: Readonly<Record<string, string>> };
  readonly aggregationRule?: { readonly clusterRoleSelectors?: readonly ApiLabelSelector[] } | null;
  readonly rules?: readonly PolicyRule[] | null;
}

const RULE_FIELDS = ['verbs', 'apiGroups', 'resources', 'resourceNames', 'nonResourceURLs'] as const;

/** A rule's identity as upstream's equality.Semantic.DeepEqual sees it: an absent list is an empty one, order counts. */
const ruleKey = (rule: PolicyRule): string => JSON.stringify(RULE_FIELDS.map((field) => rule[field] ?? []));

/** Upstream's Semantic.DeepEqual of two rule lists (nil and empty alike). */
export function sameRules(a: readonly PolicyRule[] | null | undefined, b: readonly PolicyRule[] | null | undefined): boolean {
  const [left, right] = [a ?? [], b ?? []];
  return left.length === right.length && left.every((rule, i) => ruleKey(rule) === ruleKey(right[i]!));
}

const nameOf = (role: AggregatableClusterRole) => role.metadata?.name ?? '';

/**
 * The rules `role` aggregates from `clusterRoles` (every ClusterRole there
 * is), or undefined when it has no aggregationRule. Throws
 * SelectorParseError on a selector upstream's LabelSelectorAsSelector refuses
 * (validation keeps those out of the store).
 */
export function aggregatedRules(role: AggregatableClusterRole, clusterRoles: readonly AggregatableClusterRole[]): PolicyRule[] | undefined {
  if (!role.aggregationRule) return undefined;
  const rules: PolicyRule[] = [];
  const seen = new Set<string>();
  for (const apiSelector of role.aggregationRule.clusterRoleSelectors ?? []) {
    // A null selector in the list is Go's zero one, {}: it selects every role.
    const selector = selectorFromLabelSelector(apiSelector ?? {});
    const matches = clusterRoles.filter((other) => nameOf(other) !== nameOf(role) && selector.matches(other.metadata?.labels ?? {}));
    for (const source of [...matches].sort((x, y) => (nameOf(x) < nameOf(y) ? -1 : nameOf(x) > nameOf(y) ? 1 : 0))) {
      for (const rule of source.rules ?? []) {
        const key = ruleKey(rule);
        if (seen.has(key)) continue;
        seen.add(key);
        rules.push(rule);
      }
    }
  }
  return rules;
}

/**
 * Every aggregating role of `clusterRoles` with the rules the controller would
 * settle on: aggregated again until nothing changes, since an aggregated role
 * may itself be a source (edit aggregates to admin). Answers the roles whose
 * rules changed, by name. A cycle that never settles stops after one pass a role.
 */
export function settleAggregation<T extends AggregatableClusterRole>(clusterRoles: readonly T[]): Map<string, PolicyRule[]> {
  const current = clusterRoles.map((role) => ({ ...role }));
  const changed = new Map<string, PolicyRule[]>();
  for (let pass = 0; pass < current.length; pass++) {
    let settled = true;
    for (const [i, role] of current.entries()) {
      const rules = aggregatedRules(role, current);
      if (!rules || sameRules(rules, role.rules)) continue;
      current[i] = { ...role, rules };
      changed.set(nameOf(role), rules);
      settled = false;
    }
    if (settled) break;
  }
  return changed;
}
