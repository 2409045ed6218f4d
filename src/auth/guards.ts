import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { AuthUser } from '../common/auth/auth-user.js';
import { IS_PUBLIC_KEY, ROLES_KEY } from '../common/auth/decorators.js';
import { AppError } from '../common/errors/app-error.js';
import type { Role } from '../generated/prisma/enums.js';
import { AccessTokenService } from './access-token.service.js';

type AuthRequest = FastifyRequest & { user?: AuthUser };

const BEARER = /^Bearer\s+(\S+)\s*$/i;

const unauthenticated = () => AppError.unauthorized('UNAUTHENTICATED', 'Authentication required: send a Bearer access token');

/**
 * Global guard: every route needs a valid access token unless marked @Public(). On a public route a token is
 * optional; a valid one identifies the caller (e.g. to show their own pending comments), an invalid one is ignored.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokenService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, [context.getHandler(), context.getClass()]);
    const req = context.switchToHttp().getRequest<AuthRequest>();
    const header = req.headers.authorization;
    const token = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
    if (isPublic) {
      if (!token) return true;
      try {
        req.user = await this.tokens.authenticate(token);
      } catch (err) {
        if (!(err instanceof AppError)) throw err; // database trouble is still a 503, not "anonymous"
      }
      return true;
    }
    if (!token) throw unauthenticated();
    req.user = await this.tokens.authenticate(token);
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
