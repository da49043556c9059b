import type { Role } from '@oar-live/shared';

/** Who made a request, as resolved from a valid token against the current users file. */
export interface AuthUser {
  name: string;
  roles: Role[];
  /** The OAR (unix) login oar-live sends to OAR on this user's behalf. */
  oarLogin: string;
}
