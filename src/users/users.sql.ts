import { one, type Queryable, statement } from '../database/sql.js';

/** The signed-in caller, loaded on every authenticated request so bans and role changes apply at once (a prepared statement). */

export interface AuthUserRow {
  id: string;
  /** Null for some accounts created by a publisher sign-in (SSO). */
  email: string | null;
  username: string;
  role: 'reader' | 'moderator' | 'admin';
  banned_at: Date | null;
  banned_until: Date | null;
  deleted_at: Date | null;
}

export const AUTH_USER = statement<[id: string], AuthUserRow>(
  'read:auth-user',
  'SELECT id, email, username, role::text AS role, banned_at, banned_until, deleted_at FROM users WHERE id = $1',
);

export function authUser(db: Queryable, id: string): Promise<AuthUserRow | undefined> {
  return one(db, AUTH_USER, [id]);
}
