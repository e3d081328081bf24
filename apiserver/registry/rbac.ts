// The strategies of Roles, ClusterRoles, RoleBindings and ClusterRoleBindings
// (upstream pkg/registry/rbac/<kind>/strategy.go, pkg/apis/rbac/v1/defaults.go
// and pkg/apis/rbac/validation/validation.go). An aggregated ClusterRole is
// stored as written; the clusterrole-aggregation controller fills its rules.
import { fieldError, selectorFromLabelSelector, SelectorParseError, validateLabelSelector, type ApiLabelSelector, type FieldError } from '../../proto/index.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import type { KubeObject, Strategy } from './strategy.js';

type KindStrategy = Omit<Strategy, 'table'>;

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

interface PolicyRuleLike {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

interface RoleRefLike {
  apiGroup?: string;
  kind?: string;
  name?: string;
}

interface SubjectLike {
  kind?: string;
  apiGroup?: string;
  name?: string;
  namespace?: string;
}

/** Go's %#v of a []string, as upstream prints a bad list value. */
const goStrings = (values: readonly string[]): string => `[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`;

/** As upstream ValidatePolicyRule. */
function validatePolicyRule(rule: PolicyRuleLike, namespaced: boolean, path: string): FieldError[] {
  const errors: FieldError[] = [];
  if (!rule.verbs?.length) errors.push(fieldError.required(`${path}.verbs`, 'verbs must contain at least one value'));
  if (rule.nonResourceURLs?.length) {
    const urls = { ...fieldError.invalid(`${path}.nonResourceURLs`, rule.nonResourceURLs), valueText: goStrings(rule.nonResourceURLs) };
    if (namespaced) errors.push({ ...urls, detail: 'namespaced rules cannot apply to non-resource URLs' });
    if (rule.apiGroups?.length || rule.resources?.length || rule.resourceNames?.length) {
      errors.push({ ...urls, detail: 'rules cannot apply to both regular resources and non-resource URLs' });
    }
    return errors;
  }
  if (!rule.apiGroups?.length) errors.push(fieldError.required(`${path}.apiGroups`, 'resource rules must supply at least one api group'));
  if (!rule.resources?.length) errors.push(fieldError.required(`${path}.resources`, 'resource rules must supply at least one resource'));
  return errors;
}

function validateRules(object: KubeObject, namespaced: boolean): FieldError[] {
  const rules = (object.rules ?? []) as PolicyRuleLike[];
  return rules.flatMap((rule, i) => validatePolicyRule(rule ?? {}, namespaced, `rules[${i}]`));
}

/** As upstream ValidateClusterRole: an aggregationRule has at least one selector, each a valid one. */
function validateAggregationRule(role: KubeObject): FieldError[] {
  const rule = role.aggregationRule as { clusterRoleSelectors?: ApiLabelSelector[] | null } | null | undefined;
  if (rule === undefined || rule === null) return [];
  const selectors = rule.clusterRoleSelectors ?? [];
  const errors: FieldError[] = [];
  if (selectors.length === 0) errors.push(fieldError.required('aggregationRule.clusterRoleSelectors', 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
  selectors.forEach((selector, i) => {
    const path = `aggregationRule.clusterRoleSelectors[${i}]`;
    errors.push(...validateLabelSelector(selector, path));
    try {
      selectorFromLabelSelector(selector);
    } catch (error) {
      if (!(error instanceof SelectorParseError)) throw error;
      // Upstream reports the selector it failed to make, a nil one, which Go's field errors print as "null".
      errors.push({ ...fieldError.invalid(path, null, 'invalid label selector.'), valueText: '"null"' });
    }
  });
  return errors;
}

/** As upstream ValidateRoleBindingSubject. */
function validateSubject(subject: SubjectLike, namespaced: boolean, path: string): FieldError[] {
  const errors: FieldError[] = [];
  if (!subject.name) errors.push(fieldError.required(`${path}.name`));
  switch (subject.kind) {
    case 'ServiceAccount':
      if (subject.apiGroup) errors.push(fieldError.notSupported(`${path}.apiGroup`, subject.apiGroup, ['']));
      if (!namespaced && !subject.namespace) errors.push(fieldError.required(`${path}.namespace`));
      break;
    case 'User':
    case 'Group':
      if (subject.apiGroup !== RBAC_GROUP) errors.push(fieldError.notSupported(`${path}.apiGroup`, subject.apiGroup ?? '', [RBAC_GROUP]));
      break;
    default:
      errors.push(fieldError.notSupported(`${path}.kind`, subject.kind ?? '', ['ServiceAccount', 'User', 'Group']));
  }
  return errors;
}

/** As upstream ValidateRoleBinding and ValidateClusterRoleBinding: a ClusterRoleBinding may only name a ClusterRole. */
function validateBinding(binding: KubeObject, namespaced: boolean): FieldError[] {
  const errors = validateObjectMeta(binding, { nameIsPathSegment: true });
  const ref = (binding.roleRef ?? {}) as RoleRefLike;
  if (ref.apiGroup !== RBAC_GROUP) errors.push(fieldError.notSupported('roleRef.apiGroup', ref.apiGroup ?? '', [RBAC_GROUP]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(ref.kind ?? '')) errors.push(fieldError.notSupported('roleRef.kind', ref.kind ?? '', kinds));
  if (!ref.name) errors.push(fieldError.required('roleRef.name'));
  else for (const message of validateObjectMeta({ metadata: { name: ref.name } }, { nameIsPathSegment: true })) errors.push({ ...message, field: 'roleRef.name' });
  const subjects = (binding.subjects ?? []) as SubjectLike[];
  subjects.forEach((subject, i) => errors.push(...validateSubject(subject ?? {}, namespaced, `subjects[${i}]`)));
  return errors;
}

/** As upstream ValidateRoleBindingUpdate: a binding's role never changes (delete and recreate it instead). */
function validateBindingUpdate(binding: KubeObject, old: KubeObject): FieldError[] {
  const errors = validateObjectMetaUpdate(binding, old);
  const [ref, oldRef] = [(binding.roleRef ?? {}) as RoleRefLike, (old.roleRef ?? {}) as RoleRefLike];
  if (ref.apiGroup !== oldRef.apiGroup || ref.kind !== oldRef.kind || ref.name !== oldRef.name) {
    const valueText = `rbac.RoleRef{APIGroup:${JSON.stringify(ref.apiGroup ?? '')}, Kind:${JSON.stringify(ref.kind ?? '')}, Name:${JSON.stringify(ref.name ?? '')}}`;
    errors.push({ ...fieldError.invalid('roleRef', ref, 'cannot change roleRef'), valueText });
  }
  return errors;
}

/** As upstream SetDefaults_RoleBinding and SetDefaults_Subject: the group of the role and of User and Group subjects. */
function bindingDefaults(binding: KubeObject): void {
  const ref = binding.roleRef as RoleRefLike | undefined;
  if (ref && !ref.apiGroup) ref.apiGroup = RBAC_GROUP;
  for (const subject of (binding.subjects ?? []) as SubjectLike[]) {
    if (subject && subject.apiGroup === undefined) subject.apiGroup = subject.kind === 'ServiceAccount' ? '' : RBAC_GROUP;
  }
}

function rulesStrategy(namespaced: boolean): KindStrategy {
  return {
    tracksGeneration: false,
    validate: (role) => [...validateObjectMeta(role, { nameIsPathSegment: true }), ...validateRules(role, namespaced), ...(namespaced ? [] : validateAggregationRule(role))],
    validateUpdate: validateObjectMetaUpdate,
  };
}

function bindingStrategy(namespaced: boolean): KindStrategy {
  return {
    tracksGeneration: false,
    defaults: bindingDefaults,
    validate: (binding) => validateBinding(binding, namespaced),
    validateUpdate: validateBindingUpdate,
  };
}

export const roleStrategy = rulesStrategy(true);
export const clusterRoleStrategy = rulesStrategy(false);
export const roleBindingStrategy = bindingStrategy(true);
export const clusterRoleBindingStrategy = bindingStrategy(false);
