// The self-subject reviews, answered and never stored (upstream
// pkg/registry/authorization/selfsubjectaccessreview,
// selfsubjectrulesreview and pkg/registry/authentication/selfsubjectreview):
// what `kubectl auth can-i`, `kubectl auth can-i --list` and `kubectl auth
// whoami` ask.
import { badRequest, fieldError, invalid, type FieldError, type ResourceType } from '../../proto/index.js';
import type { Authorizer, UserInfo } from '../auth.js';
import type { RequestInfo, RequestVerb } from '../request-info.js';
import type { KubeObject } from '../registry/strategy.js';
import type { RulesResolution } from './index.js';

interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  version?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

interface NonResourceAttributes {
  path?: string;
  verb?: string;
}

export interface Reviewers {
  readonly authorizer: Authorizer;
  readonly rulesFor: (user: UserInfo, namespace: string) => RulesResolution;
}

/** Whether this server answers creates of `resource` itself instead of storing them. */
export function isReview(resource: ResourceType): boolean {
  return resource.kind.startsWith('SelfSubject') && (resource.group === 'authorization.k8s.io' || resource.group === 'authentication.k8s.io');
}

/** The answer to a review's create: the review, its status filled. */
export async function answerReview(info: RequestInfo, review: KubeObject, user: UserInfo, reviewers: Reviewers): Promise<KubeObject> {
  const answered: KubeObject = { ...review, kind: info.resource.kind, apiVersion: `${info.resource.group}/${info.resource.version}`, metadata: { ...review.metadata, creationTimestamp: null as unknown as string } };
  switch (info.resource.kind) {
    case 'SelfSubjectReview':
      return { ...answered, status: { userInfo: userInfoOf(user) } };
    case 'SelfSubjectAccessReview':
      return { ...answered, status: await accessReview(review, user, reviewers.authorizer) };
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

/** As upstream ValidateSelfSubjectAccessReviewSpec: one of resourceAttributes and nonResourceAttributes. */
function validateAccessReview(spec: { resourceAttributes?: ResourceAttributes; nonResourceAttributes?: NonResourceAttributes }): FieldError[] {
  if (spec.resourceAttributes && spec.nonResourceAttributes) {
    return [fieldError.invalid('spec.nonResourceAttributes', spec.nonResourceAttributes, 'cannot be specified in combination with resourceAttributes')];
  }
  if (!spec.resourceAttributes && !spec.nonResourceAttributes) {
    return [fieldError.required('spec.resourceAttributes', 'exactly one of nonResourceAttributes or resourceAttributes must be specified')];
  }
  return [];
}

async function accessReview(review: KubeObject, user: UserInfo, authorizer: Authorizer): Promise<Record<string, unknown>> {
  const spec = (review.spec ?? {}) as { resourceAttributes?: ResourceAttributes; nonResourceAttributes?: NonResourceAttributes };
  const errors = validateAccessReview(spec);
  if (errors.length > 0) throw invalid('SelfSubjectAccessReview', 'authorization.k8s.io', review.metadata?.name ?? '', errors);
  const decision = spec.resourceAttributes
    ? await authorizer(user, { verb: spec.resourceAttributes.verb ?? '', path: '', resource: requestInfoOf(spec.resourceAttributes) })
    : await authorizer(user, { verb: spec.nonResourceAttributes!.verb ?? '', path: spec.nonResourceAttributes!.path ?? '' });
  const denied = !decision.allowed && !decision.noOpinion;
  return { allowed: decision.allowed, ...(denied ? { denied: true } : {}), ...(decision.reason ? { reason: decision.reason } : {}) };
}

/** The attributes a review asks about, as a request's: the resource need not be one this server serves. */
function requestInfoOf(attributes: ResourceAttributes): RequestInfo {
  const resource = { group: attributes.group ?? '', version: attributes.version ?? '', plural: attributes.resource ?? '', kind: '', subresources: [] } as unknown as ResourceType;
  return {
    resource,
    namespace: attributes.namespace || undefined,
    name: attributes.name || undefined,
    subresource: attributes.subresource || undefined,
    verb: (attributes.verb ?? '') as RequestVerb,
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
