// RBAC's escalation prevention (upstream pkg/registry/rbac/role/policybased,
// rolebinding/policybased and pkg/registry/rbac/validation/rule.go): a user
// may write a Role or ClusterRole only with rules it already holds, and bind
// a role only when it holds that role's rules, unless it is in
// system:masters or may `escalate` the role (`bind` it, for a binding). A
// ClusterRole with an aggregationRule, or an update of one that had it, needs
// cluster-admin's rights besides (it can gather anything and stop a role
// being tightened). Pure but for the authorizer and the rules it is given.
import { forbidden, type ResourceType } from '../../proto/index.js';
import type { Authorizer, UserInfo } from '../auth.js';
import type { RequestInfo } from '../request-info.js';
import type { KubeObject } from '../registry/strategy.js';
import type { PolicyRule } from './rules.js';

const RBAC = 'rbac.authorization.k8s.io';
const ALL = '*';

/** What the check needs of the server: the authorizer, a user's rules, and a referenced role's rules. */
export interface EscalationContext {
  readonly authorizer: Authorizer;
  readonly rulesFor: (user: UserInfo, namespace: string) => { readonly rules: readonly PolicyRule[]; readonly evaluationError?: string };
  /** The rules of the role a binding refers to, or undefined when it does not exist. */
  readonly roleRules: (kind: 'Role' | 'ClusterRole', namespace: string, name: string) => readonly PolicyRule[] | undefined;
  /** The served type of roles and clusterroles, for the `bind` and `escalate` checks. */
  readonly roleType: (kind: 'Role' | 'ClusterRole') => ResourceType;
  /** The ClusterRole as stored, what an update changes. */
  readonly storedClusterRole: (name: string) => KubeObject | undefined;
}

/** Upstream's fullAuthority: what writing an aggregationRule takes. */
const FULL_AUTHORITY: PolicyRule[] = [
  { verbs: [ALL], apiGroups: [ALL], resources: [ALL] },
  { verbs: [ALL], nonResourceURLs: [ALL] },
];

/** Upstream's hasAggregationRule: one selector at least. */
const hasAggregationRule = (role: KubeObject | undefined) => ((role?.aggregationRule as { clusterRoleSelectors?: unknown[] } | null | undefined)?.clusterRoleSelectors?.length ?? 0) > 0;

export function isEscalationChecked(resource: ResourceType): boolean {
  return resource.group === RBAC && ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'].includes(resource.plural);
}

/** Throws upstream's 403 when writing `object` (as it would be stored) grants `user` more than it holds. */
export async function confirmNoEscalation(user: UserInfo, info: RequestInfo, object: KubeObject, context: EscalationContext): Promise<void> {
  // As upstream's EscalationAllowed: the superuser group may grant anything.
  if (user.groups.includes('system:masters')) return;
  const namespace = info.namespace ?? '';
  const name = object.metadata?.name ?? info.name ?? '';
  const refuse = (reason: string) => forbidden({ group: RBAC, resource: info.resource.plural, name }, reason);
  const allowed = async (verb: string, type: ResourceType, roleName: string) =>
    (await context.authorizer(user, { verb, path: '', resource: { resource: type, namespace: namespace || undefined, name: roleName, subresource: undefined, verb: verb as RequestInfo['verb'] } })).allowed;
  let granted: readonly PolicyRule[];
  if (info.resource.plural === 'roles' || info.resource.plural === 'clusterroles') {
    if (await allowed('escalate', info.resource, name)) return;
    granted = ((object as { rules?: PolicyRule[] }).rules ?? []);
  } else {
    const ref = (object as { roleRef?: { kind?: string; name?: string } }).roleRef ?? {};
    const kind = ref.kind === 'Role' ? 'Role' : 'ClusterRole';
    const roleName = ref.name ?? '';
    if (await allowed('bind', context.roleType(kind), roleName)) return;
    const rules = context.roleRules(kind, namespace, roleName);
    if (!rules) throw refuse(`${kind.toLowerCase()}.${RBAC} "${roleName}" not found`);
    granted = rules;
  }
  const owned = context.rulesFor(user, namespace);
  const uncovered = uncoveredRules(owned.rules, granted);
  if (uncovered.length > 0) {
    let message = `user ${JSON.stringify(user.username)} (groups=${goQuoted(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${compact(uncovered).map(compactString).join('\n')}`;
    if (owned.evaluationError) message += `; resolution errors: [${owned.evaluationError}]`;
    throw refuse(message);
  }
  // As upstream's newClusterRoleStorage: the aggregationRule, set now or before, takes `*` on `*.*`.
  if (info.resource.plural !== 'clusterroles') return;
  const stored = info.verb === 'create' ? undefined : context.storedClusterRole(name);
  if ((hasAggregationRule(object) || hasAggregationRule(stored)) && uncoveredRules(owned.rules, FULL_AUTHORITY).length > 0) {
    throw refuse('must have cluster-admin privileges to use the aggregationRule');
  }
}

/** Upstream's Covers: the servant rules broken into single ones, those no owner rule covers. */
export function uncoveredRules(owner: readonly PolicyRule[], servant: readonly PolicyRule[]): PolicyRule[] {
  return servant.flatMap(breakdown).filter((rule) => !owner.some((o) => ruleCovers(o, rule)));
}

/** Upstream's BreakdownRule: one verb, one group, one resource and at most one name (or one URL) a rule. */
function breakdown(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const group of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      for (const verb of rule.verbs) {
        const names = rule.resourceNames ?? [];
        if (names.length === 0) out.push({ apiGroups: [group], resources: [resource], verbs: [verb] });
        else for (const resourceName of names) out.push({ apiGroups: [group], resources: [resource], resourceNames: [resourceName], verbs: [verb] });
      }
    }
  }
  for (const url of rule.nonResourceURLs ?? []) for (const verb of rule.verbs) out.push({ nonResourceURLs: [url], verbs: [verb] });
  return out;
}

const has = (set: readonly string[] | undefined, value: string) => (set ?? []).includes(value);

/** Upstream's ruleCovers for a broken-down rule. */
function ruleCovers(owner: PolicyRule, rule: PolicyRule): boolean {
  if (!has(owner.verbs, ALL) && !rule.verbs.every((v) => has(owner.verbs, v))) return false;
  if (rule.nonResourceURLs?.length) {
    return rule.nonResourceURLs.every((url) => (owner.nonResourceURLs ?? []).some((o) => o === ALL || o === url || (o.endsWith(ALL) && url.startsWith(o.slice(0, -1)))));
  }
  if (!has(owner.apiGroups, ALL) && !(rule.apiGroups ?? []).every((g) => has(owner.apiGroups, g))) return false;
  const resourcesCovered = (rule.resources ?? []).every((resource) => {
    if (has(owner.resources, ALL) || has(owner.resources, resource)) return true;
    const slash = resource.indexOf('/');
    return slash >= 0 && has(owner.resources, `*/${resource.slice(slash + 1)}`);
  });
  if (!resourcesCovered) return false;
  const ownerNames = owner.resourceNames ?? [];
  if (ownerNames.length === 0) return true;
  const names = rule.resourceNames ?? [];
  return names.length > 0 && names.every((n) => ownerNames.includes(n));
}

/** Upstream's CompactRules: single-resource rules that differ only in their verb become one rule. */
function compact(rules: readonly PolicyRule[]): PolicyRule[] {
  const merged = new Map<string, { rule: PolicyRule; verbs: string[] }>();
  for (const rule of rules) {
    const key = JSON.stringify([rule.apiGroups, rule.resources, rule.resourceNames, rule.nonResourceURLs]);
    const entry = merged.get(key);
    if (entry) {
      for (const verb of rule.verbs) if (!entry.verbs.includes(verb)) entry.verbs.push(verb);
    } else {
      merged.set(key, { rule, verbs: [...rule.verbs] });
    }
  }
  return [...merged.values()].map(({ rule, verbs }) => ({ ...rule, verbs })).sort((a, b) => (compactString(a) < compactString(b) ? -1 : 1));
}

/** Go's %q of a []string: `["a" "b"]`. */
const goQuoted = (values: readonly string[]) => `[${values.map((v) => JSON.stringify(v)).join(' ')}]`;

/** Upstream's PolicyRule.CompactString: `{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}`. */
function compactString(rule: PolicyRule): string {
  const parts: string[] = [];
  if (rule.apiGroups?.length) parts.push(`APIGroups:${goQuoted(rule.apiGroups)}`);
  if (rule.resources?.length) parts.push(`Resources:${goQuoted(rule.resources)}`);
  if (rule.nonResourceURLs?.length) parts.push(`NonResourceURLs:${goQuoted(rule.nonResourceURLs)}`);
  if (rule.resourceNames?.length) parts.push(`ResourceNames:${goQuoted(rule.resourceNames)}`);
  if (rule.verbs.length) parts.push(`Verbs:${goQuoted(rule.verbs)}`);
  return `{${parts.join(', ')}}`;
}
