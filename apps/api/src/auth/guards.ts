import {
  createParamDecorator,
  ForbiddenException,
  Injectable,
  SetMetadata,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { Role } from '@oar-live/shared';
import { AuthService } from './auth.service';
import { hasRole, type AuthUser } from './auth-user';

const ROLE_KEY = 'oar-live:role';
const LOGIN_HINT = 'POST /api/auth/login, then send "Authorization: Bearer <token>"';

/** Least role a route needs (viewer < user < admin); use with RolesGuard. */
export const Roles = (role: Exclude<Role, 'viewer'>) => SetMetadata(ROLE_KEY, role);

type AuthedRequest = FastifyRequest & { user?: AuthUser | null };

/** The bearer token of a request, if any. */
export function bearerToken(request: Pick<FastifyRequest, 'headers'>): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}

/** The caller set by ReadGuard or RolesGuard (null for an anonymous reader). */
export const CurrentUser = createParamDecorator(
  (_: unknown, context: ExecutionContext): AuthUser | null =>
    context.switchToHttp().getRequest<AuthedRequest>().user ?? null,
);

/** Reads: anonymous unless OAR_LIVE_ANONYMOUS_READ=false; a token, when sent, must be valid. */
@Injectable()
export class ReadGuard implements CanActivate {
  constructor(private readonly auth: AuthService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const access = await this.auth.readAccess(bearerToken(request));
    if (!access.allowed) throw new UnauthorizedException(`${access.reason}: ${LOGIN_HINT}`);
    request.user = access.user;
    return true;
  }
}

/** Mutations: a valid token whose user holds at least the route's @Roles role (default `user`). */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(
    private readonly auth: AuthService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const token = bearerToken(request);
    if (!token) throw new UnauthorizedException(`this action needs a login token: ${LOGIN_HINT}`);
    const user = await this.auth.verifyToken(token);
    if (!user) throw new UnauthorizedException(`the token is invalid, expired or revoked: ${LOGIN_HINT}`);
    const needed =
      this.reflector.getAllAndOverride<Role | undefined>(ROLE_KEY, [context.getHandler(), context.getClass()]) ??
      'user';
    if (!hasRole(user, needed))
      throw new ForbiddenException(`this action needs the role "${needed}"; ${user.name} has ${user.roles.join(', ')}`);
    request.user = user;
    return true;
  }
}
