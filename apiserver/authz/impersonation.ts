// Impersonation, as upstream's filter
// (staging/src/k8s.io/apiserver/pkg/endpoints/filters/impersonation.go):
// `Impersonate-User`, `Impersonate-Group` (repeatable), `Impersonate-Uid` and
// `Impersonate-Extra-<key>` headers make an authenticated request act as
// another user, once its sender is allowed to `impersonate` each of them
// (users, groups and serviceaccounts in the core group; uids and
// userextras/<key> in authentication.k8s.io). Everything after
// authentication (authorization, NodeRestriction, escalation checks, the
// reviews) then sees the impersonated user. `kubectl --as jane --as-group devs`
// sends these headers.
import { isDNS1123Label, isDNS1123Subdomain } from '../../proto/index.js';
import { forbidden, type Authorizer, type UserInfo } from '../auth.js';
import type { RequestInfo } from '../request-info.js';
import { requestInfoOf } from './access-review.js';
import { serviceAccountUsername } from './rules.js';

const USER = 'impersonate-user';
const GROUP = 'impersonate-group';
const UID = 'impersonate-uid';
const EXTRA_PREFIX = 'impersonate-extra-';
const AUTHENTICATION = 'authentication.k8s.io';
const ALL_AUTHENTICATED = 'system:authenticated';
const ALL_UNAUTHENTICATED = 'system:unauthenticated';
const ANONYMOUS = 'system:anonymous';

/** One thing a request asks to act as: upstream's ObjectReference of Kind ServiceAccount, User, Group, UserExtra or UID. */
interface Target {
  readonly kind: 'ServiceAccount' | 'User' | 'Group' | 'UserExtra' | 'UID';
  readonly name: string;
  readonly namespace?: string;
  /** A UserExtra's key (upstream keeps it in FieldPath). */
  readonly key?: string;
}

/**
 * Groups, extras or a uid without a user. Upstream answers it with a plain-text
 * 500 (responsewriters.InternalError), not a Status: `message` is that text's tail.
 */
export class ImpersonateUserRequired extends Error {
  constructor(targets: readonly Target[]) {
    super(`requested [${targets.map(goObjectReference).join(' ')}] without impersonating a user`);
  }
}

/** Go's %v of a v1.ObjectReference {Kind Namespace Name UID APIVersion ResourceVersion FieldPath}. */
function goObjectReference(target: Target): string {
  const apiVersion = target.kind === 'UserExtra' || target.kind === 'UID' ? `${AUTHENTICATION}/v1` : '';
  return `{${[target.kind, target.namespace ?? '', target.name, '', apiVersion, '', target.key ?? ''].join(' ')}}`;
}

/** Upstream's serviceaccount.SplitUsername: system:serviceaccount:<namespace>:<name>, both valid names. */
export function splitServiceAccountUsername(username: string): { namespace: string; name: string } | undefined {
  const prefix = 'system:serviceaccount:';
  if (!username.startsWith(prefix)) return undefined;
  const parts = username.slice(prefix.length).split(':');
  if (parts.length !== 2) return undefined;
  const [namespace, name] = parts as [string, string];
  return isDNS1123Label(namespace).length === 0 && isDNS1123Subdomain(name).length === 0 ? { namespace, name } : undefined;
}

/** As upstream's unescapeExtraKey: %-encoded bytes decoded, a malformed key kept as sent. */
function unescapeExtraKey(key: string): string {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

/** The targets the headers name, in upstream's order: the user, the groups, the extras, the uid. `headers` are name and value pairs (Node's rawHeaders), so repeated headers stay apart. */
export function impersonationTargets(headers: readonly (readonly [string, string])[]): Target[] {
  const valuesOf = (name: string) => headers.filter(([header]) => header.toLowerCase() === name).map(([, value]) => value);
  const targets: Target[] = [];
  const user = valuesOf(USER)[0] ?? '';
  if (user !== '') {
    const account = splitServiceAccountUsername(user);
    targets.push(account ? { kind: 'ServiceAccount', ...account } : { kind: 'User', name: user });
  }
  const groups = valuesOf(GROUP);
  for (const group of groups) targets.push({ kind: 'Group', name: group });
  const extras = headers.filter(([header]) => header.toLowerCase().startsWith(EXTRA_PREFIX));
  for (const [header, value] of extras) targets.push({ kind: 'UserExtra', name: value, key: unescapeExtraKey(header.toLowerCase().slice(EXTRA_PREFIX.length)) });
  const uid = valuesOf(UID)[0] ?? '';
  if (uid !== '') targets.push({ kind: 'UID', name: uid });
  if (user === '' && targets.length > 0) throw new ImpersonateUserRequired(targets);
  return targets;
}

/** What the requester must be allowed, as a request: `impersonate` on users, groups, serviceaccounts, uids or userextras/<key>. */
function impersonateRequest(target: Target): RequestInfo {
  const [group, plural] = {
    ServiceAccount: ['', 'serviceaccounts'],
    User: ['', 'users'],
    Group: ['', 'groups'],
    UserExtra: [AUTHENTICATION, 'userextras'],
    UID: [AUTHENTICATION, 'uids'],
  }[target.kind];
  return requestInfoOf({ verb: 'impersonate', group, version: 'v1', resource: plural, name: target.name, namespace: target.namespace, subresource: target.key });
}

/**
 * The user a request acts as: `requester` itself without impersonation
 * headers, else the impersonated user once the requester may impersonate
 * each target (a 403 in upstream's words for the first it may not).
 */
export async function impersonatedUser(requester: UserInfo, headers: readonly (readonly [string, string])[], authorizer: Authorizer): Promise<UserInfo> {
  const targets = impersonationTargets(headers);
  if (targets.length === 0) return requester;
  const groupsSpecified = targets.some((t) => t.kind === 'Group');
  let username = '';
  let uid: string | undefined;
  let groups: string[] = [];
  const extra: Record<string, string[]> = {};
  for (const target of targets) {
    const info = impersonateRequest(target);
    const decision = await authorizer(requester, { verb: 'impersonate', path: '', resource: info });
    if (!decision.allowed) throw forbidden(requester, info, decision.reason);
    switch (target.kind) {
      case 'ServiceAccount':
        username = serviceAccountUsername(target.namespace!, target.name);
        // As upstream's serviceaccount.MakeGroupNames: a service account's groups are known.
        if (!groupsSpecified) groups = ['system:serviceaccounts', `system:serviceaccounts:${target.namespace}`];
        break;
      case 'User':
        username = target.name;
        break;
      case 'Group':
        groups.push(target.name);
        break;
      case 'UserExtra':
        (extra[target.key!] ??= []).push(target.name);
        break;
      case 'UID':
        uid = target.name;
        break;
    }
  }
  // A user other than the anonymous is in system:authenticated unless the groups name it or system:unauthenticated; the anonymous in system:unauthenticated.
  if (username !== ANONYMOUS && !groups.includes(ALL_AUTHENTICATED) && !groups.includes(ALL_UNAUTHENTICATED)) groups.push(ALL_AUTHENTICATED);
  if (username === ANONYMOUS && !groups.includes(ALL_UNAUTHENTICATED)) groups.push(ALL_UNAUTHENTICATED);
  return { username, groups, ...(uid ? { uid } : {}), ...(Object.keys(extra).length > 0 ? { extra } : {}) };
}

/** Node's rawHeaders (name, value, name, value, ...) as pairs. */
export function headerPairs(rawHeaders: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) pairs.push([rawHeaders[i]!, rawHeaders[i + 1]!]);
  return pairs;
}
