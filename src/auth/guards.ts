import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../common/auth/auth-user.js';
import { IS_PUBLIC_KEY, ROLES_KEY } from '../common/auth/decorators.js';
import { AppError } from '../common/errors/app-error.js';
import type { Role } from '../generated/prisma/enums.js';
import { PassportAuthenticator, unauthenticated } from './passport.js';

type AuthRequest = FastifyRequest & { user?: AuthUser };

/**
 * Global guard: every route needs a valid access token unless marked @Public(). Authentication is this
 * application's passport-jwt strategy (see passport.ts). On a public route a token is optional; a valid one
 * identifies the caller (e.g. to show their own pending comments), a missing or invalid one leaves the caller
 * anonymous.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly passport: PassportAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean | 'anonymous' | undefined>(IS_PUBLIC_KEY, [context.getHandler(), context.getClass()]);
    if (isPublic === 'anonymous') return true;
    const http = context.switchToHttp();
    const req = http.getRequest<AuthRequest>();
    // Anonymous reads of public routes (counts, comment lists) are the hot path: skip Passport, whose failure
    // path builds two Error objects (stack traces) per request, for the same "anonymous" outcome.
    if (isPublic && req.headers.authorization === undefined) return true;
    try {
      req.user = await this.passport.authenticate<AuthUser>('jwt', req, http.getResponse<object>());
      // Whatever a signed-in caller gets back is theirs: no browser or CDN keeps it (RFC 9111 §5.2.2.5).
      void http.getResponse<FastifyReply>().header('cache-control', 'no-store');
    } catch (err) {
      // Database trouble is still a 503 on a public route, not "anonymous".
      if (!isPublic || !(err instanceof AppError)) throw err;
    }
    return true;
  }
}

/** Global guard: enforces @Roles() after authentication. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]);
    if (!roles?.length) return true;
    const user = context.switchToHttp().getRequest<AuthRequest>().user;
    if (!user) throw unauthenticated();
    if (!roles.includes(user.role)) throw AppError.forbidden('FORBIDDEN', 'Your role does not allow this action');
    return true;
  }
}
