// Several authenticators as one, as upstream's request/union and
// group.AuthenticatedGroupAdder: the first that names a user wins; when none
// does and one refused bad credentials, the request is a 401; every user so
// found is also in system:authenticated.
import type { Authenticator, UserInfo } from './auth.js';
import { unauthorized } from './auth.js';

const AUTHENTICATED = 'system:authenticated';

export function unionAuthenticator(...authenticators: readonly Authenticator[]): Authenticator {
  return async (request) => {
    let refused = false;
    for (const authenticate of authenticators) {
      let user: UserInfo | undefined;
      try {
        user = await authenticate(request);
      } catch {
        refused = true;
        continue;
      }
      if (user) return withAuthenticatedGroup(user);
    }
    if (refused) throw unauthorized();
    return undefined;
  };
}

/** as upstream: system:authenticated is added once, unless the user is anonymous. */
function withAuthenticatedGroup(user: UserInfo): UserInfo {
  if (user.username === 'system:anonymous' || user.groups.includes(AUTHENTICATED)) return user;
  return { ...user, groups: [...user.groups, AUTHENTICATED] };
}
