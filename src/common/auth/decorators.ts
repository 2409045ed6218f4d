import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from '../../generated/prisma/enums.js';
import type { AuthUser } from './auth-user.js';

export const IS_PUBLIC_KEY = 'isPublic';
export const ROLES_KEY = 'roles';
export const ALLOW_BANNED_KEY = 'allowBanned';

/**
 * Opens a route to anonymous callers. A valid token, when sent, still identifies the caller. With
 * `{ identify: false }` the route never looks at the caller, so a sent token is not even checked (count endpoints:
 * no JWT verification and no user query on the hottest path).
 */
export const Public = (opts: { identify?: boolean } = {}) => SetMetadata(IS_PUBLIC_KEY, opts.identify === false ? 'anonymous' : true);

/** Restricts a route to the given roles (checked by the global RolesGuard after authentication). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/**
 * Opens a route to a banned (suspended) account. By default a banned caller is refused on every authenticated
 * route with 403 USER_BANNED, and is anonymous on a public one. What a suspended account keeps are its legal rights:
 * reading the statement of reasons and appealing it (DSA Art. 17, 20), and access, portability and erasure of its
 * data (GDPR Art. 15, 17, 20); those routes carry this decorator. On a public route it lets a banned caller's token
 * identify them (their own pending comments, their own notices). Never on a @Roles() route: staff powers end with a
 * ban whatever a route says (JwtAuthGuard refuses, and the permission snapshot test fails on the combination).
 */
export const AllowBanned = () => SetMetadata(ALLOW_BANNED_KEY, true);

/** The authenticated user, or undefined on a public route called anonymously. */
export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthUser | undefined => {
  return ctx.switchToHttp().getRequest<{ user?: AuthUser }>().user;
});
