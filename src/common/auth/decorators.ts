import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from '../../generated/prisma/enums.js';
import type { AuthUser } from './auth-user.js';

export const IS_PUBLIC_KEY = 'isPublic';
export const ROLES_KEY = 'roles';

/**
 * Opens a route to anonymous callers. A valid token, when sent, still identifies the caller. With
 * `{ identify: false }` the route never looks at the caller, so a sent token is not even checked (count endpoints:
 * no JWT verification and no user query on the hottest path).
 */
export const Public = (opts: { identify?: boolean } = {}) => SetMetadata(IS_PUBLIC_KEY, opts.identify === false ? 'anonymous' : true);

/** Restricts a route to the given roles (checked by the global RolesGuard after authentication). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** The authenticated user, or undefined on a public route called anonymously. */
export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthUser | undefined => {
  return ctx.switchToHttp().getRequest<{ user?: AuthUser }>().user;
});
