import type { Role } from '../../generated/prisma/enums.js';

/** The signed-in user as guards and services see it (loaded fresh from the database on every request). */
export interface AuthUser {
  id: string;
  /** Null for some accounts created by a publisher sign-in (SSO). */
  email: string | null;
  username: string;
  role: Role;
  /**
   * A ban is in force. Only @AllowBanned() routes ever see such a user (JwtAuthGuard refuses or anonymises them
   * elsewhere), and staff powers do not apply to them (isModerator, RolesGuard).
   */
  banned: boolean;
}
