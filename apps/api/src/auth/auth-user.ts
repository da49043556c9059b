import { ROLES, type Role } from '@oar-live/shared';

/** Who made a request, as resolved from a valid token against the current users file. */
export interface AuthUser {
  name: string;
  roles: Role[];
  /** The OAR (unix) login oar-live sends to OAR on this user's behalf. */
  oarLogin: string;
}

/** viewer < user < admin: a user holding a higher role may do everything a lower one may. */
export function hasRole(user: Pick<AuthUser, 'roles'>, needed: Role): boolean {
  const rank = (role: Role) => ROLES.indexOf(role);
  return user.roles.some((role) => rank(role) >= rank(needed));
}
