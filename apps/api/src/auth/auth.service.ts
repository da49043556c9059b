import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { compare } from 'bcryptjs';
import type { LoginAnswer } from '@oar-live/shared';
import { LRUCache } from 'lru-cache';
import { createHash } from 'node:crypto';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import type { AuthUser } from './auth-user';
import type { UserRecord } from './users-file';
import { UsersService } from './users.service';

/** The answer the web client reads (libs/shared). */
export type LoginResult = LoginAnswer;

/** Tokens remembered as verified (a user with several tabs, or a script, reuses one token). */
const VERIFIED_TOKENS_KEPT = 10_000;

/** A valid token's user and when the token expires. */
export interface Session {
  user: AuthUser;
  expiresAtMs: number;
}

/** Reading is open to anonymous clients unless OAR_LIVE_ANONYMOUS_READ=false. */
export type ReadAccess =
  { allowed: true; user: AuthUser | null; expiresAtMs?: number } | { allowed: false; reason: string };

interface TokenClaims {
  sub?: unknown;
  exp?: unknown;
  /** The user's credentials version when the token was made: see credentialsVersion. */
  ver?: unknown;
}

interface VerifiedToken {
  subject: string;
  version: string;
  expiresAtMs: number;
}

@Injectable()
export class AuthService {
  /**
   * Token → its subject, until the token expires: checking the signature costs more than the rest of
   * a job submit, and a burst of requests carries the same token again and again.
   */
  private readonly verified = new LRUCache<string, VerifiedToken>({
    max: VERIFIED_TOKENS_KEPT,
  });

  constructor(
    private readonly users: UsersService,
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Checks a name and password against the users file; null when either is wrong. */
  async login(username: string, password: string): Promise<LoginResult | null> {
    const matches = await compare(password, this.users.passwordHashOf(username));
    const record = this.users.find(username);
    if (!record || !matches) return null;
    const token = await this.jwt.signAsync({ sub: record.name, ver: credentialsVersion(record) });
    const { exp } = this.jwt.decode<{ exp: number }>(token);
    return {
      token,
      expiresAt: new Date(exp * 1000).toISOString(),
      user: { name: record.name, roles: record.roles, oarLogin: record.oarLogin ?? record.name },
    };
  }

  /**
   * The user a token stands for, with roles from the users file as it is now; null for a bad,
   * expired or foreign token, a token without `exp`, and a token made before the user's password,
   * roles or OAR login changed or the user was removed (that revokes it).
   */
  async verifyToken(token: string): Promise<AuthUser | null> {
    return (await this.session(token))?.user ?? null;
  }

  /** verifyToken, with the time the token expires (live connections end then). */
  async session(token: string): Promise<Session | null> {
    const cached = this.verified.get(token);
    const verified = cached && Date.now() < cached.expiresAtMs ? cached : await this.verifySignature(token);
    const record = verified && this.users.find(verified.subject);
    if (!verified || !record || credentialsVersion(record) !== verified.version) return null;
    return { user: toAuthUser(record), expiresAtMs: verified.expiresAtMs };
  }

  private async verifySignature(token: string): Promise<VerifiedToken | undefined> {
    let claims: TokenClaims;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims>(token);
    } catch {
      return undefined;
    }
    const { sub, exp, ver } = claims;
    // A token without exp would never expire: only ever made by someone holding the secret.
    if (typeof sub !== 'string' || typeof exp !== 'number' || typeof ver !== 'string') return undefined;
    const verified = { subject: sub, version: ver, expiresAtMs: exp * 1000 };
    this.verified.set(token, verified);
    return verified;
  }

  /** For REST reads and the socket handshake alike: a token, if given, must be valid. */
  async readAccess(token: unknown): Promise<ReadAccess> {
    if (typeof token === 'string' && token !== '') {
      const session = await this.session(token);
      return session
        ? { allowed: true, user: session.user, expiresAtMs: session.expiresAtMs }
        : { allowed: false, reason: 'the token is invalid, expired or revoked' };
    }
    if (this.config.OAR_LIVE_ANONYMOUS_READ) return { allowed: true, user: null };
    return { allowed: false, reason: 'reading needs a login token (anonymous reads are disabled)' };
  }
}

/**
 * Changes when the user's password hash, roles or OAR login change: a token carries the version it
 * was made with, so such a change in the users file revokes the user's tokens. (A hash of the
 * bcrypt hash, cut short: the token never carries anything a password could be guessed from.)
 */
const versions = new WeakMap<UserRecord, string>();
function credentialsVersion(record: UserRecord): string {
  let version = versions.get(record);
  if (version === undefined) {
    const text = JSON.stringify([record.password, [...record.roles].sort(), record.oarLogin ?? record.name]);
    version = createHash('sha256').update(text).digest('base64url').slice(0, 16);
    versions.set(record, version);
  }
  return version;
}

function toAuthUser(record: UserRecord): AuthUser {
  return { name: record.name, roles: record.roles, oarLogin: record.oarLogin ?? record.name };
}
