// The authentication and authorization stages of the request pipeline. For
// now both allow everything (a lab cluster's admin), as a real cluster with
// the AlwaysAllow authorizer does; a later issue adds tokens and RBAC here
// without touching the handlers.
import type { FastifyRequest } from 'fastify';
import type { RequestInfo } from './request-info.js';

export interface UserInfo {
  readonly username: string;
  readonly groups: readonly string[];
}

const ADMIN: UserInfo = { username: 'kubelab-admin', groups: ['system:masters', 'system:authenticated'] };

export function authenticate(_request: FastifyRequest): UserInfo {
  return ADMIN;
}

/** Throws a 403 Forbidden ApiError when `user` may not do what `info` asks; allows everything for now. */
export function authorize(_user: UserInfo, _info: RequestInfo): void {}
