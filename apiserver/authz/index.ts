// Authorization modes as upstream's --authorization-mode (AlwaysAllow,
// AlwaysDeny, Node, RBAC): a union that asks each in order and stops at the
// first allow (upstream's union authorizer), the refusal reasons joined. The
// RBAC and Node authorizers read the watch cache.
import { randomUUID } from 'node:crypto';
import { resources, storageKey, type ResourceType } from '../../proto/index.js';
import { KeyExistsError, type Clock, type Store } from '../../store/index.js';
import type { AuthorizationAttributes, Authorizer, Decision, UserInfo } from '../auth.js';
import { encodeObject, timestamp } from '../registry/object-store.js';
import type { KubeObject } from '../registry/strategy.js';
import type { WatchCache } from '../watch-cache.js';
import { bootstrapPolicy } from './bootstrap-policy.js';
import type { EscalationContext } from './escalation.js';
import { NodeAuthorizer, nodeIdentity, podNode, type NodeGraph } from './node.js';
import { RbacAuthorizer, type RbacObjects } from './rbac.js';
import type { Attributes, PolicyRule } from './rules.js';

export { admitNodeRequest } from './node-restriction.js';
export { headerPairs, impersonatedUser, ImpersonateUserRequired } from './impersonation.js';
export { confirmNoEscalation, isEscalationChecked, type EscalationContext } from './escalation.js';
export { nodeIdentity } from './node.js';
export type { PolicyRule } from './rules.js';

export const AUTHORIZATION_MODES = ['AlwaysAllow', 'AlwaysDeny', 'Node', 'RBAC'] as const;
export type AuthorizationMode = (typeof AUTHORIZATION_MODES)[number];

const kindOf = (group: string, kind: string): ResourceType => resources.find((r) => r.group === group && r.kind === kind && !r.storage)!;
const RBAC = 'rbac.authorization.k8s.io';
const CLUSTER_ROLES = kindOf(RBAC, 'ClusterRole');
const CLUSTER_ROLE_BINDINGS = kindOf(RBAC, 'ClusterRoleBinding');
const ROLES = kindOf(RBAC, 'Role');
const ROLE_BINDINGS = kindOf(RBAC, 'RoleBinding');
const PODS = kindOf('', 'Pod');
const CLAIMS = kindOf('', 'PersistentVolumeClaim');

/** The authorizer's view of a request (upstream's authorizer.Attributes) from the server's. */
export function attributesOf(user: UserInfo, attributes: AuthorizationAttributes): Attributes {
  const info = attributes.resource;
  return {
    user,
    verb: attributes.verb,
    resourceRequest: info !== undefined,
    group: info?.resource.group ?? '',
    resource: info?.resource.plural ?? '',
    subresource: info?.subresource ?? '',
    namespace: info?.namespace ?? '',
    name: info?.name ?? '',
    path: attributes.path,
    fieldSelector: attributes.fieldSelector,
  };
}

/** The rules a user has, for SelfSubjectRulesReview: incomplete when an authorizer cannot list them (the Node authorizer's). */
export interface RulesResolution {
  readonly rules: PolicyRule[];
  readonly incomplete: boolean;
  readonly evaluationError?: string;
}

export interface ModeAuthorizer {
  readonly authorizer: Authorizer;
  readonly rulesFor: (user: UserInfo, namespace: string) => RulesResolution;
}

function cacheObjects(cache: WatchCache): RbacObjects & NodeGraph {
  const key = (type: ResourceType, namespace: string | undefined, name: string) => storageKey(type, namespace, name);
  return {
    clusterRoleBindings: () => cache.list(CLUSTER_ROLE_BINDINGS),
    roleBindings: (namespace) => cache.list(ROLE_BINDINGS, namespace),
    clusterRole: (name) => cache.get(CLUSTER_ROLES, key(CLUSTER_ROLES, undefined, name)),
    role: (namespace, name) => cache.get(ROLES, key(ROLES, namespace, name)),
    pod: (namespace, name) => cache.get(PODS, key(PODS, namespace, name)),
    podsOn: (nodeName, namespace) => cache.list(PODS, namespace).filter((pod) => podNode(pod) === nodeName),
    allPodsOn: (nodeName) => cache.list(PODS).filter((pod) => podNode(pod) === nodeName),
    persistentVolumeClaim: (namespace, name) => cache.get(CLAIMS, key(CLAIMS, namespace, name)),
  };
}

/** The authorizer of `modes`, in order, over the watch cache. */
export function authorizerFor(modes: readonly AuthorizationMode[], cache: WatchCache): ModeAuthorizer {
  const objects = cacheObjects(cache);
  const rbac = new RbacAuthorizer(objects);
  const node = new NodeAuthorizer(objects);
  const decide = (attributes: Attributes, mode: AuthorizationMode): { allowed: boolean; reason: string } => {
    switch (mode) {
      case 'AlwaysAllow':
        return { allowed: true, reason: '' };
      case 'AlwaysDeny':
        return { allowed: false, reason: 'Everything is forbidden.' };
      case 'Node':
        return node.authorize(attributes) ?? { allowed: false, reason: '' };
      case 'RBAC':
        return rbac.authorize(attributes);
    }
  };
  const authorizer: Authorizer = (user, request): Decision => {
    const attributes = attributesOf(user, request);
    const reasons: string[] = [];
    for (const mode of modes) {
      const decision = decide(attributes, mode);
      if (decision.allowed) return { allowed: true, ...(decision.reason ? { reason: decision.reason } : {}) };
      if (decision.reason) reasons.push(decision.reason);
    }
    return { allowed: false, noOpinion: true, ...(reasons.length > 0 ? { reason: reasons.join('\n') } : {}) };
  };
  const rulesFor = (user: UserInfo, namespace: string): RulesResolution => {
    const errors: string[] = [];
    const rules: PolicyRule[] = [];
    let incomplete = false;
    for (const mode of modes) {
      if (mode === 'AlwaysAllow') rules.push({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { verbs: ['*'], nonResourceURLs: ['*'] });
      if (mode === 'RBAC') rules.push(...rbac.rulesFor(user, namespace, errors));
      if (mode === 'Node' && nodeIdentity(user) !== undefined) {
        incomplete = true;
        errors.push('node authorizer does not support user rule resolution');
      }
    }
    return { rules, incomplete: incomplete || errors.length > 0, ...(errors.length > 0 ? { evaluationError: errors.length === 1 ? errors[0] : `[${errors.join(', ')}]` } : {}) };
  };
  return { authorizer, rulesFor };
}

/** What escalation prevention reads: the server's authorizer, the modes' rules, and roles from the watch cache. */
export function escalationContext(authorizer: Authorizer, rulesFor: ModeAuthorizer['rulesFor'], cache: WatchCache): EscalationContext {
  const objects = cacheObjects(cache);
  return {
    authorizer,
    rulesFor,
    roleRules: (kind, namespace, name) => {
      const role = kind === 'Role' ? objects.role(namespace, name) : objects.clusterRole(name);
      return role ? ((role as { rules?: PolicyRule[] }).rules ?? []) : undefined;
    },
    roleType: (kind) => (kind === 'Role' ? ROLES : CLUSTER_ROLES),
    storedClusterRole: (name) => objects.clusterRole(name),
  };
}

/**
 * Writes the default ClusterRoles and ClusterRoleBindings that are missing
 * (upstream's rbac/bootstrap-roles post-start hook). One already there is
 * left as it is: a lab's own changes to a default role survive a restart.
 */
export async function ensureBootstrapPolicy(store: Store, clock: Clock): Promise<void> {
  const now = timestamp(clock.now());
  const { clusterRoles, clusterRoleBindings } = bootstrapPolicy();
  const objects: [ResourceType, KubeObject][] = [...clusterRoles.map((o): [ResourceType, KubeObject] => [CLUSTER_ROLES, o]), ...clusterRoleBindings.map((o): [ResourceType, KubeObject] => [CLUSTER_ROLE_BINDINGS, o])];
  for (const [type, object] of objects) {
    object.metadata = { ...object.metadata, uid: randomUUID(), creationTimestamp: now };
    try {
      await store.create(storageKey(type, undefined, object.metadata.name!), encodeObject(object));
    } catch (error) {
      if (!(error instanceof KeyExistsError)) throw error;
    }
  }
}
