import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { compare } from 'bcryptjs';
import { LRUCache } from 'lru-cache';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import type { AuthUser } from './auth-user';
import type { UserRecord } from './users-file';
import { UsersService } from './users.service';

/** Compared against when the user is unknown, so a wrong name costs as much time as a wrong password. */
const DUMMY_HASH = '$2b$10$12OEMsSSl1jCJZSj6eadUumA9RkxxNsTE4T7jwxjEhbTamldqaLRK';

export interface LoginResult {
  token: string;
  expiresAt: string;
  /** oarLogin: the OAR login this user acts as (whose jobs are theirs). */
  user: { name: string; roles: AuthUser['roles']; oarLogin: string };
}

/** Tokens remembered as verified (a user with several tabs, or a script, reuses one token). */
const VERIFIED_TOKENS_KEPT = 10_000;

/** Reading is open to anonymous clients unless OAR_LIVE_ANONYMOUS_READ=false. */
export type ReadAccess = { allowed: true; user: AuthUser | null } | { allowed: false; reason: string };

@Injectable()
export class AuthService {
  /**
   * Token → its subject, until the token expires: checking the signature costs more than the rest of
   * a job submit, and a burst of requests carries the same token again and again.
   */
  private readonly verified = new LRUCache<string, { subject: string; expiresAtMs: number }>({
    max: VERIFIED_TOKENS_KEPT,
  });

  constructor(
    private readonly users: UsersService,
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Checks a name and password against the users file; null when either is wrong. */
  async login(username: string, password: string): Promise<LoginResult | null> {
    const record = this.users.find(username);
    const matches = await compare(password, record?.password ?? DUMMY_HASH);
    if (!record || !matches) return null;
    const token = await this.jwt.signAsync({ sub: record.name });
    const { exp } = this.jwt.decode<{ exp: number }>(token);
    return {
      token,
      expiresAt: new Date(exp * 1000).toISOString(),
      user: { name: record.name, roles: record.roles, oarLogin: record.oarLogin ?? record.name },
    };
  }

  /**
   * The user a token stands for, with roles from the users file as it is now (a user removed from
   * the file loses access at once); null for a bad, expired or foreign token.
   */
  async verifyToken(token: string): Promise<AuthUser | null> {
    const known = this.verified.get(token);
    const subject = known && Date.now() < known.expiresAtMs ? known.subject : await this.verifySignature(token);
    const record = subject === undefined ? undefined : this.users.find(subject);
    return record ? toAuthUser(record) : null;
  }

  private async verifySignature(token: string): Promise<string | undefined> {
    let payload: { sub?: unknown; exp?: unknown };
    try {
      payload = await this.jwt.verifyAsync<{ sub?: unknown; exp?: unknown }>(token);
    } catch {
      return undefined;
    }
    if (typeof payload.sub !== 'string') return undefined;
    if (typeof payload.exp === 'number')
      this.verified.set(token, { subject: payload.sub, expiresAtMs: payload.exp * 1000 });
    return payload.sub;
  }

  /** For REST reads and the socket handshake alike: a token, if given, must be valid. */
  async readAccess(token: unknown): Promise<ReadAccess> {
    if (typeof token === 'string' && token !== '') {
      const user = await this.verifyToken(token);
      return user ? { allowed: true, user } : { allowed: false, reason: 'the token is invalid or expired' };
    }
    if (this.config.OAR_LIVE_ANONYMOUS_READ) return { allowed: true, user: null };
    return { allowed: false, reason: 'reading needs a login token (anonymous reads are disabled)' };
  }
}

function toAuthUser(record: UserRecord): AuthUser {
  return { name: record.name, roles: record.roles, oarLogin: record.oarLogin ?? record.name };
}
