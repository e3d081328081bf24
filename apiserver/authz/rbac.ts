// The RBAC authorizer (upstream plugin/pkg/auth/authorizer/rbac/rbac.go and
// pkg/registry/rbac/validation/rule.go VisitRulesFor): the rules of every
// ClusterRoleBinding that names the user, then of every RoleBinding of the
// request's namespace that does. It reads the bindings and roles from the
// watch cache (kept current by the store's watch), never from the store, so a
// decision costs no store read; like upstream's informers, a binding takes
// effect a moment after it is written.
import type { UserInfo } from '../auth.js';
import type { KubeObject } from '../registry/strategy.js';
import { appliesToUser, describeSubject, ruleAllows, type Attributes, type PolicyRule, type Subject } from './rules.js';

/** Where the authorizer reads roles and bindings from (the watch cache in the server). */
export interface RbacObjects {
  clusterRoleBindings(): readonly KubeObject[];
  roleBindings(namespace: string): readonly KubeObject[];
  clusterRole(name: string): KubeObject | undefined;
  role(namespace: string, name: string): KubeObject | undefined;
}

export interface RbacDecision {
  readonly allowed: boolean;
  /** An allow: which binding granted it; a refusal: the roles bindings name that do not exist, as upstream's aggregate. */
  readonly reason: string;
}

interface RoleRef {
  kind: string;
  name: string;
}

/** What a binding grants, and to whom, in the order upstream visits them. */
interface Grant {
  readonly binding: KubeObject;
  readonly subject: Subject;
  readonly rules: readonly PolicyRule[];
}

export class RbacAuthorizer {
  constructor(private readonly objects: RbacObjects) {}

  authorize(attributes: Attributes): RbacDecision {
    const errors: string[] = [];
    for (const grant of this.grants(attributes.user, attributes.namespace, errors)) {
      if (grant.rules.some((rule) => ruleAllows(attributes, rule))) return { allowed: true, reason: `RBAC: allowed by ${describeGrant(grant)}` };
    }
    return { allowed: false, reason: errors.length === 0 ? '' : `RBAC: ${errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`}` };
  }

  /** Every rule the user has in `namespace` (cluster-wide ones included), for SelfSubjectRulesReview; `errors` gets the missing roles. */
  rulesFor(user: UserInfo, namespace: string, errors: string[] = []): PolicyRule[] {
    return [...this.grants(user, namespace, errors)].flatMap((grant) => grant.rules);
  }

  private *grants(user: UserInfo, namespace: string, errors: string[]): Generator<Grant> {
    for (const binding of this.objects.clusterRoleBindings()) {
      const subject = subjectFor(user, binding, '');
      if (!subject) continue;
      const rules = this.rulesOf(roleRefOf(binding), '', errors);
      if (rules) yield { binding, subject, rules };
    }
    if (namespace === '') return;
    for (const binding of this.objects.roleBindings(namespace)) {
      const subject = subjectFor(user, binding, namespace);
      if (!subject) continue;
      const rules = this.rulesOf(roleRefOf(binding), namespace, errors);
      if (rules) yield { binding, subject, rules };
    }
  }

  private rulesOf(ref: RoleRef, namespace: string, errors: string[]): readonly PolicyRule[] | undefined {
    const role = ref.kind === 'Role' ? this.objects.role(namespace, ref.name) : this.objects.clusterRole(ref.name);
    // As upstream's listers' NotFound: `clusterrole.rbac.authorization.k8s.io "x" not found`.
    if (!role) errors.push(`${ref.kind === 'Role' ? 'role' : 'clusterrole'}.rbac.authorization.k8s.io ${JSON.stringify(ref.name)} not found`);
    return role ? ((role.rules ?? []) as PolicyRule[]) : undefined;
  }
}

const roleRefOf = (binding: KubeObject): RoleRef => (binding.roleRef ?? { kind: '', name: '' }) as RoleRef;

function subjectFor(user: UserInfo, binding: KubeObject, namespace: string): Subject | undefined {
  return ((binding.subjects ?? []) as Subject[]).find((subject) => appliesToUser(user, subject, namespace));
}

/** As upstream's clusterRoleBindingDescriber and roleBindingDescriber. */
function describeGrant(grant: Grant): string {
  const ref = roleRefOf(grant.binding);
  const namespace = grant.binding.metadata?.namespace;
  const binding = namespace ? `RoleBinding ${JSON.stringify(`${grant.binding.metadata?.name}/${namespace}`)}` : `ClusterRoleBinding ${JSON.stringify(grant.binding.metadata?.name)}`;
  return `${binding} of ${ref.kind} ${JSON.stringify(ref.name)} to ${describeSubject(grant.subject, namespace ?? '')}`;
}
