// The access reviews: "may this user do this?" asked of the server's
// authorizer, for oneself (SelfSubjectAccessReview, `kubectl auth can-i`) or
// for anyone (SubjectAccessReview, LocalSubjectAccessReview in a namespace:
// what a webhook or an aggregated API server asks). Validation and answers as
// upstream pkg/apis/authorization/validation and
// pkg/registry/authorization/{subjectaccessreview,localsubjectaccessreview,util}.
import { fieldError, invalid, type FieldError, type ResourceType } from '../../proto/index.js';
import type { Authorizer, UserInfo } from '../auth.js';
import type { RequestInfo, RequestVerb } from '../request-info.js';
import type { KubeObject } from '../registry/strategy.js';

/** authorization.k8s.io ResourceAttributes: a request as the authorizers judge it, named. */
export interface ResourceAttributes {
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

/** A SelfSubjectAccessReview's spec; the others add who is asked about. */
interface AccessReviewSpec {
  resourceAttributes?: ResourceAttributes;
  nonResourceAttributes?: NonResourceAttributes;
}

interface SubjectAccessReviewSpec extends AccessReviewSpec {
  user?: string;
  groups?: string[];
  uid?: string;
  extra?: Record<string, string[]>;
}

const GROUP = 'authorization.k8s.io';

/** Go's %#v of the internal NonResourceAttributes, as upstream's field error prints it. */
const goNonResourceAttributes = (a: NonResourceAttributes): string => `authorization.NonResourceAttributes{Path:${JSON.stringify(a.path ?? '')}, Verb:${JSON.stringify(a.verb ?? '')}}`;

/** As upstream ValidateSelfSubjectAccessReviewSpec: exactly one of resourceAttributes and nonResourceAttributes (a nil pointer prints "null"). */
function validateAttributes(spec: AccessReviewSpec): FieldError[] {
  if (spec.resourceAttributes && spec.nonResourceAttributes) {
    return [{ ...fieldError.invalid('spec.nonResourceAttributes', spec.nonResourceAttributes, 'cannot be specified in combination with resourceAttributes'), valueText: goNonResourceAttributes(spec.nonResourceAttributes) }];
  }
  if (!spec.resourceAttributes && !spec.nonResourceAttributes) {
    return [fieldError.invalid('spec.resourceAttributes', 'null', 'exactly one of nonResourceAttributes or resourceAttributes must be specified')];
  }
  return [];
}

/** As upstream ValidateSubjectAccessReviewSpec: the attributes, and someone to ask about. */
function validateSubjectSpec(spec: SubjectAccessReviewSpec): FieldError[] {
  const errors = validateAttributes(spec);
  if (!spec.user && !spec.groups?.length) errors.push(fieldError.invalid('spec.user', spec.user ?? '', 'at least one of user or group must be specified'));
  return errors;
}

/** The metadata upstream compares with an empty ObjectMeta: what a client set, minus managedFields (and the null creationTimestamp clients send). */
function clientMetadata(review: KubeObject, except: readonly string[]): Record<string, unknown> {
  const meta = { ...(review.metadata ?? {}) } as Record<string, unknown>;
  for (const field of ['managedFields', 'creationTimestamp', ...except]) if (field !== 'creationTimestamp' || meta[field] === null) delete meta[field];
  return meta;
}

function validateSubjectAccessReview(review: KubeObject): FieldError[] {
  const errors = validateSubjectSpec(specOf(review));
  const meta = clientMetadata(review, []);
  if (Object.keys(meta).length > 0) errors.push(fieldError.invalid('metadata', meta, 'must be empty'));
  return errors;
}

function validateLocalSubjectAccessReview(review: KubeObject): FieldError[] {
  const spec = specOf(review);
  const errors = validateSubjectSpec(spec);
  const meta = clientMetadata(review, ['namespace']);
  if (Object.keys(meta).length > 0) errors.push(fieldError.invalid('metadata', meta, 'must be empty except for namespace'));
  const namespace = review.metadata?.namespace ?? '';
  if (spec.resourceAttributes && (spec.resourceAttributes.namespace ?? '') !== namespace) {
    errors.push(fieldError.invalid('spec.resourceAttributes.namespace', spec.resourceAttributes.namespace ?? '', 'must match metadata.namespace'));
  }
  if (spec.nonResourceAttributes) {
    errors.push({ ...fieldError.invalid('spec.nonResourceAttributes', spec.nonResourceAttributes, 'disallowed on this kind of request'), valueText: goNonResourceAttributes(spec.nonResourceAttributes) });
  }
  return errors;
}

const specOf = (review: KubeObject): SubjectAccessReviewSpec => (review.spec ?? {});

/** The status of `user` asking what `spec` names: upstream's SubjectAccessReviewStatus (denied only on an explicit deny). */
async function decide(spec: AccessReviewSpec, user: UserInfo, authorizer: Authorizer): Promise<Record<string, unknown>> {
  const decision = spec.resourceAttributes
    ? await authorizer(user, { verb: spec.resourceAttributes.verb ?? '', path: '', resource: requestInfoOf(spec.resourceAttributes) })
    : await authorizer(user, { verb: spec.nonResourceAttributes!.verb ?? '', path: spec.nonResourceAttributes!.path ?? '' });
  const denied = !decision.allowed && !decision.noOpinion;
  return { allowed: decision.allowed, ...(denied ? { denied: true } : {}), ...(decision.reason ? { reason: decision.reason } : {}) };
}

/** The attributes a review asks about, as a request's: the resource need not be one this server serves. */
/** The request `attributes` describe, as the authorizers take it (upstream's AttributesRecord); reviews and impersonation ask with it. */
export function requestInfoOf(attributes: ResourceAttributes): RequestInfo {
  const resource = { group: attributes.group ?? '', version: attributes.version ?? '', plural: attributes.resource ?? '', kind: '', subresources: [] } as unknown as ResourceType;
  return {
    resource,
    namespace: attributes.namespace || undefined,
    name: attributes.name || undefined,
    subresource: attributes.subresource || undefined,
    verb: (attributes.verb ?? '') as RequestVerb,
  };
}

/** As upstream AuthorizationAttributesFrom: the spec's user, exactly (no system:authenticated added). */
function subjectOf(spec: SubjectAccessReviewSpec): UserInfo {
  return { username: spec.user ?? '', groups: [...(spec.groups ?? [])], ...(spec.uid ? { uid: spec.uid } : {}), ...(spec.extra ? { extra: spec.extra } : {}) };
}

/** A SelfSubjectAccessReview's status: may the requester do it? */
export async function selfSubjectAccessReview(review: KubeObject, user: UserInfo, authorizer: Authorizer): Promise<Record<string, unknown>> {
  const spec = specOf(review);
  const errors = validateAttributes(spec);
  if (errors.length > 0) throw invalid('SelfSubjectAccessReview', GROUP, review.metadata?.name ?? '', errors);
  return decide(spec, user, authorizer);
}

/** A SubjectAccessReview's or LocalSubjectAccessReview's status: may the spec's user do it? (The review's metadata.namespace is the path's already.) */
export async function subjectAccessReview(kind: 'SubjectAccessReview' | 'LocalSubjectAccessReview', review: KubeObject, authorizer: Authorizer): Promise<Record<string, unknown>> {
  const errors = kind === 'SubjectAccessReview' ? validateSubjectAccessReview(review) : validateLocalSubjectAccessReview(review);
  if (errors.length > 0) throw invalid(kind, GROUP, '', errors);
  const spec = specOf(review);
  return decide(spec, subjectOf(spec), authorizer);
}
