import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../common/auth/auth-user.js';
import { ALLOW_BANNED_KEY, IS_PUBLIC_KEY, ROLES_KEY } from '../common/auth/decorators.js';
import { AppError } from '../common/errors/app-error.js';
import type { Role } from '../generated/prisma/enums.js';
import { PassportAuthenticator, unauthenticated } from './passport.js';

type AuthRequest = FastifyRequest & { user?: AuthUser };

/**
 * Global guard: every route needs a valid access token unless marked @Public(). Authentication is this
 * application's passport-jwt strategy (see passport.ts). On a public route a token is optional; a valid one
 * identifies the caller (e.g. to show their own pending comments), a missing or invalid one leaves the caller
 * anonymous.
 *
 * Banned accounts (a ban in force, loaded with the user on every request, so a ban applies at once to tokens issued
 * before it): refused with 403 USER_BANNED on every authenticated route, default deny, except those marked
 * @AllowBanned() (the legal rights a suspension leaves: statements of reasons, appeals, GDPR export and erasure) and
 * never on a @Roles() route. On a public route a banned caller is anonymous, unless the route is @AllowBanned(),
 * where they are identified (their own pending comments, their own notices): a banned token never fails a public
 * request.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly passport: PassportAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean | 'anonymous' | undefined>(IS_PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic === 'anonymous') return true;
    const http = context.switchToHttp();
    const req = http.getRequest<AuthRequest>();
    // Anonymous reads of public routes (counts, comment lists) are the hot path: skip Passport, whose failure
    // path builds two Error objects (stack traces) per request, for the same "anonymous" outcome.
    if (isPublic && req.headers.authorization === undefined) return true;
    let user: AuthUser;
    try {
      user = await this.passport.authenticate<AuthUser>('jwt', req, http.getResponse<object>());
    } catch (err) {
      // Database trouble is still a 503 on a public route, not "anonymous".
      if (!isPublic || !(err instanceof AppError)) throw err;
      return true;
    }
    if (user.banned && !this.allowsBanned(context)) {
      if (!isPublic) throw userBanned();
      return true; // a public route: the banned caller reads what anyone reads
    }
    req.user = user;
    // Whatever a signed-in caller gets back is theirs: no browser or CDN keeps it (RFC 9111 §5.2.2.5).
    void http.getResponse<FastifyReply>().header('cache-control', 'no-store');
    return true;
  }

  /** @AllowBanned() and no @Roles(): a role-restricted route is never open to a banned caller. */
  private allowsBanned(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (!this.reflector.getAllAndOverride<boolean | undefined>(ALLOW_BANNED_KEY, targets)) return false;
    return !this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets)?.length;
  }
}

export const userBanned = () => AppError.forbidden('USER_BANNED', 'This account is banned');

/** Global guard: enforces @Roles() after authentication. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]);
    if (!roles?.length) return true;
    const user = context.switchToHttp().getRequest<AuthRequest>().user;
    if (!user) throw unauthenticated();
    // JwtAuthGuard has refused a banned caller already; kept here so that no future path gives one staff powers.
    if (user.banned) throw userBanned();
    if (!roles.includes(user.role)) throw AppError.forbidden('FORBIDDEN', 'Your role does not allow this action');
    return true;
  }
}
