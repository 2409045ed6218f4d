import type { Role } from '../../generated/prisma/enums.js';

/** The signed-in user as guards and services see it (loaded fresh from the database on every request). */
export interface AuthUser {
  id: string;
  email: string;
  username: string;
  role: Role;
}
