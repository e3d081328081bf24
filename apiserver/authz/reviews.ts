// The reviews, answered and never stored (upstream
// pkg/registry/authorization/selfsubjectaccessreview, selfsubjectrulesreview,
// subjectaccessreview, localsubjectaccessreview and
// pkg/registry/authentication/selfsubjectreview): what `kubectl auth can-i`,
// `kubectl auth can-i --list` and `kubectl auth whoami` ask, and what a
// component asks about someone else.
import { badRequest, type ResourceType } from '../../proto/index.js';
import type { Authorizer, UserInfo } from '../auth.js';
import type { RequestInfo } from '../request-info.js';
import type { KubeObject } from '../registry/strategy.js';
import { selfSubjectAccessReview, subjectAccessReview } from './access-review.js';
import type { RulesResolution } from './index.js';

const REVIEWS = new Set(['SelfSubjectReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'SubjectAccessReview', 'LocalSubjectAccessReview']);

export interface Reviewers {
  readonly authorizer: Authorizer;
  readonly rulesFor: (user: UserInfo, namespace: string) => RulesResolution;
}

/** Whether this server answers creates of `resource` itself instead of storing them. */
export function isReview(resource: ResourceType): boolean {
  return REVIEWS.has(resource.kind) && (resource.group === 'authorization.k8s.io' || resource.group === 'authentication.k8s.io');
}

/** The answer to a review's create: the review, its status filled. */
export async function answerReview(info: RequestInfo, review: KubeObject, user: UserInfo, reviewers: Reviewers): Promise<KubeObject> {
  const metadata = { ...review.metadata, creationTimestamp: null as unknown as string };
  // As upstream's create handler (EnsureObjectNamespaceMatchesRequestNamespace): a LocalSubjectAccessReview is in the path's namespace.
  if (info.namespace !== undefined) {
    if (metadata.namespace && metadata.namespace !== info.namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    metadata.namespace = info.namespace;
  } else delete metadata.namespace;
  const answered: KubeObject = { ...review, kind: info.resource.kind, apiVersion: `${info.resource.group}/${info.resource.version}`, metadata };
  switch (info.resource.kind) {
    case 'SelfSubjectReview':
      return { ...answered, status: { userInfo: userInfoOf(user) } };
    case 'SelfSubjectAccessReview':
      return { ...answered, status: await selfSubjectAccessReview(answered, user, reviewers.authorizer) };
    case 'SubjectAccessReview':
    case 'LocalSubjectAccessReview':
      return { ...answered, status: await subjectAccessReview(info.resource.kind, answered, reviewers.authorizer) };
    default:
      return { ...answered, status: rulesReview(review, user, reviewers) };
  }
}

function userInfoOf(user: UserInfo): Record<string, unknown> {
  return {
    username: user.username,
    ...(user.uid ? { uid: user.uid } : {}),
    ...(user.groups.length > 0 ? { groups: [...user.groups] } : {}),
    ...(user.extra && Object.keys(user.extra).length > 0 ? { extra: user.extra } : {}),
  };
}

function rulesReview(review: KubeObject, user: UserInfo, reviewers: Reviewers): Record<string, unknown> {
  const namespace = (review.spec as { namespace?: string } | undefined)?.namespace ?? '';
  if (namespace === '') throw badRequest('no namespace on request');
  const resolved = reviewers.rulesFor(user, namespace);
  const resourceRules = resolved.rules
    .filter((rule) => !rule.nonResourceURLs?.length)
    .map((rule) => ({ verbs: [...rule.verbs], ...optional('apiGroups', rule.apiGroups), ...optional('resources', rule.resources), ...optional('resourceNames', rule.resourceNames) }));
  const nonResourceRules = resolved.rules.filter((rule) => rule.nonResourceURLs?.length).map((rule) => ({ verbs: [...rule.verbs], nonResourceURLs: [...rule.nonResourceURLs!] }));
  return { resourceRules, nonResourceRules, incomplete: resolved.incomplete, ...(resolved.evaluationError ? { evaluationError: resolved.evaluationError } : {}) };
}

const optional = (field: string, values: readonly string[] | undefined): Record<string, string[]> => (values?.length ? { [field]: [...values] } : {});
