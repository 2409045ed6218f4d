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
  /** The access token's session (its refresh-token family) still exists: false once signed out (auth/sessions.ts). */
  session_live: boolean;
}

// One indexed lookup more (refresh_tokens.family_id) makes sign-out end the access token too, not 15 minutes later.
export const AUTH_USER = statement<[id: string, sessionId: string | null], AuthUserRow>(
  'read:auth-user',
  `SELECT id, email, username, role::text AS role, banned_at, banned_until, deleted_at,
          ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM refresh_tokens WHERE family_id = $2::uuid)) AS session_live
   FROM users WHERE id = $1`,
);

/** `sessionId`: the access token's `sid` (null for tokens issued before sessions were named in them). */
export function authUser(db: Queryable, id: string, sessionId: string | null): Promise<AuthUserRow | undefined> {
  return one(db, AUTH_USER, [id, sessionId]);
}
