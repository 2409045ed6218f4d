import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { AuthUser } from '../common/auth/auth-user.js';
import { IS_PUBLIC_KEY, ROLES_KEY } from '../common/auth/decorators.js';
import { AppError } from '../common/errors/app-error.js';
import type { Role } from '../generated/prisma/enums.js';
import { LoginDto } from './dto/auth.dto.js';

/**
 * Global guard: every route needs a valid access token unless marked @Public(). On a public route a token is
 * optional; a valid one identifies the caller (e.g. to show their own pending comments), an invalid one is ignored.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [context.getHandler(), context.getClass()]);
    if (!isPublic) return (await super.canActivate(context)) as boolean;
    const req = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    if (!req.headers.authorization) return true;
    try {
      await super.canActivate(context);
    } catch {
      // anonymous
    }
    return true;
  }

  override handleRequest<TUser = AuthUser>(err: unknown, user: TUser | false, info: unknown): TUser {
    if (err) throw err;
    if (!user) {
      const name = (info as { name?: string } | undefined)?.name;
      if (name === 'TokenExpiredError') throw AppError.unauthorized('TOKEN_EXPIRED', 'The access token has expired');
      if (name === 'JsonWebTokenError' || name === 'NotBeforeError') throw AppError.unauthorized('INVALID_TOKEN', 'The access token is invalid');
      throw AppError.unauthorized('UNAUTHENTICATED', 'Authentication required: send a Bearer access token');
    }
    return user;
  }
}

/**
 * Local (password) login through passport-local. The body is validated first (400 with details, as everywhere);
 * credential failures are one uniform 401.
 */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<{ body?: unknown }>();
    const dto = plainToInstance(LoginDto, req.body ?? {});
    const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length) {
      throw AppError.badRequest(
        'VALIDATION_FAILED',
        'Request validation failed',
        errors.flatMap((e) => Object.values(e.constraints ?? {}).map((message) => ({ field: e.property, message }))),
      );
    }
    return (await super.canActivate(context)) as boolean;
  }

  override handleRequest<TUser = AuthUser>(err: unknown, user: TUser | false): TUser {
    if (err) throw err;
    if (!user) throw AppError.unauthorized('INVALID_CREDENTIALS', 'Invalid login or password');
    return user;
  }
}

/** Global guard: enforces @Roles() after authentication. */
@Injectable()
export class RolesGuard {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]);
    if (!roles?.length) return true;
    const user = context.switchToHttp().getRequest<{ user?: AuthUser }>().user;
    if (!user) throw AppError.unauthorized('UNAUTHENTICATED', 'Authentication required: send a Bearer access token');
    if (!roles.includes(user.role)) throw AppError.forbidden('FORBIDDEN', 'Your role does not allow this action');
    return true;
  }
}
