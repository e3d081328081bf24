// The authentication and authorization stages of the request pipeline, as
// seams: an Authenticator says who sent a request (upstream's
// authenticator.Request), an Authorizer whether that user may do what the
// request asks (upstream's authorizer.Authorizer). The defaults are a lab
// admin and AlwaysAllow, as a cluster started with
// --authorization-mode=AlwaysAllow; the issue on trust puts client
// certificates, tokens, RBAC and the Node authorizer behind the same seams.
import type { FastifyRequest } from 'fastify';
import { ApiError, forbidden as forbiddenSubject } from '../proto/index.js';
import type { RequestInfo } from './request-info.js';

export interface UserInfo {
  readonly username: string;
  readonly uid?: string;
  readonly groups: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

/** Who sent the request, or undefined when it carries no credentials this authenticator knows (the next one may). Throws a 401 ApiError for bad credentials. */
export type Authenticator = (request: FastifyRequest) => UserInfo | undefined | Promise<UserInfo | undefined>;

/** upstream authorizer.Decision: DecisionNoOpinion lets the next authorizer decide. */
export type Decision = { readonly allowed: true; readonly reason?: string } | { readonly allowed: false; readonly reason?: string; readonly noOpinion?: boolean };

/**
 * What a request asks, as upstream's authorizer.Attributes: a resource
 * request (`resource` set: verb, group, resource, subresource, namespace,
 * name) or a non-resource one (a path such as /version or /openapi/v2, with
 * the HTTP verb in lower case: get, post, ...).
 */
export interface AuthorizationAttributes {
  readonly verb: string;
  readonly path: string;
  readonly resource?: RequestInfo;
  /** A list's or watch's field selector (upstream's GetFieldSelector): the Node authorizer lets a kubelet list the pods of spec.nodeName=<itself>. */
  readonly fieldSelector?: string;
}

/** Whether `user` may do what the request asks; upstream's union of authorizers stops at the first allow or deny. */
export type Authorizer = (user: UserInfo, attributes: AuthorizationAttributes) => Decision | Promise<Decision>;

/** upstream user.Anonymous and its group, for the paths open without credentials. */
export const ANONYMOUS: UserInfo = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

/** Served to anyone, with or without credentials (the health checks and /version, as upstream's system:public-info-viewer). */
export function isPublicPath(path: string): boolean {
  return /^\/(healthz|livez|readyz|version)(\/|$|\?)/.test(path);
}

/** upstream's 401 body (responsewriters.Unauthorized). */
export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

export const LAB_ADMIN: UserInfo = { username: 'kubelab-admin', groups: ['system:masters', 'system:authenticated'] };

/** Every request is the lab's admin: what in-process test clusters use unless they ask for credentials. */
export const labAdminAuthenticator: Authenticator = () => LAB_ADMIN;

export const alwaysAllow: Authorizer = () => ({ allowed: true });

/**
 * The 403 upstream answers (responsewriters.Forbidden, forbiddenMessage):
 * `pods is forbidden: User "u" cannot list resource "pods" in API group "" in the namespace "default"`,
 * `daemonsets.apps "ds" is forbidden: ... at the cluster scope`, then the authorizers' reason if any.
 */
export function forbidden(user: UserInfo, info: RequestInfo, reason?: string): ApiError {
  const resource = info.subresource ? `${info.resource.plural}/${info.subresource}` : info.resource.plural;
  const scope = info.namespace ? `in the namespace "${info.namespace}"` : 'at the cluster scope';
  const what = `User "${user.username}" cannot ${info.verb} resource "${resource}" in API group "${info.resource.group}" ${scope}`;
  return forbiddenSubject({ group: info.resource.group, resource: info.resource.plural, name: info.name }, reason ? `${what}: ${reason}` : what);
}

/** The 403 of a path no resource names: `forbidden: User "u" cannot get path "/apis"`. */
export function forbiddenPath(user: UserInfo, verb: string, path: string, reason?: string): ApiError {
  const what = `User "${user.username}" cannot ${verb} path "${path}"`;
  return new ApiError(403, 'Forbidden', `forbidden: ${reason ? `${what}: ${reason}` : what}`, {});
}
