import { type Db, query } from '../database/db.js';
import type { Queryable } from '../database/sql.js';
import type { Prisma } from '../generated/prisma/client.js';

/**
 * Sessions (table `refresh_tokens`, one row per refresh token; a family is one sign-in and its rotations): every
 * change after a session is issued goes through here, inside the caller's transaction: rotation and sign-out (auth),
 * revocation with a ban (moderation, DSA misuse), deletion with an erased account (privacy) and after expiry
 * (retention). Only hashes are stored.
 */

/** What a new token row holds; the client gets the token itself, the row only its hash. */
export interface NewSessionRow {
  familyId: string;
  familyStartedAt: Date;
  tokenHash: string;
  expiresAt: Date;
}

export function findSession(db: Prisma.TransactionClient, tokenHash: string) {
  return db.refreshToken.findUnique({ where: { tokenHash } });
}

export async function startSession(db: Prisma.TransactionClient, userId: string, row: NewSessionRow & { id?: string }): Promise<void> {
  await db.refreshToken.create({ data: { userId, ...row } });
}

/**
 * Rotation: revokes the presented token (only if still unrevoked) and stores its successor `next` in the same family.
 * false: another use of the same token won the race (nothing was stored).
 */
export async function rotateSession(
  tx: Prisma.TransactionClient,
  current: { id: string; userId: string },
  next: NewSessionRow & { id: string },
): Promise<boolean> {
  const claimed = await tx.refreshToken.updateMany({
    where: { id: current.id, revokedAt: null },
    data: { revokedAt: new Date(), replacedById: next.id },
  });
  if (claimed.count !== 1) return false;
  await startSession(tx, current.userId, next);
  return true;
}

/** Sign-out, or a reused token: the whole family ends. Idempotent. */
export async function revokeSessionFamily(db: Prisma.TransactionClient, familyId: string): Promise<void> {
  await db.refreshToken.updateMany({ where: { familyId, revokedAt: null }, data: { revokedAt: new Date() } });
}

/**
 * Sign-out: the family's rows go, which also ends the access tokens issued in it (they name it as `sid`;
 * users.sql.ts AUTH_USER). A revoked family (a ban, a reused token) keeps its rows: a banned account's access token
 * still reaches USER_BANNED rather than looking invalid. Idempotent.
 */
export async function endSessionFamily(db: Prisma.TransactionClient, familyId: string): Promise<void> {
  await db.refreshToken.deleteMany({ where: { familyId } });
}

/** A ban or a suspension: every session of the account still in use ends at `at`. Returns how many tokens were revoked. */
export async function revokeAccountSessions(db: Db, userId: string, at: Date): Promise<number> {
  const [row] = await query<{ n: number }>(
    db,
    `WITH r AS (UPDATE refresh_tokens SET revoked_at = $2::timestamptz WHERE user_id = $1::uuid AND revoked_at IS NULL RETURNING 1)
     SELECT count(*)::int AS n FROM r`,
    [userId, at.toISOString()],
  );
  return row?.n ?? 0;
}

/** An erased account: every stored session goes. Returns how many families were still usable. */
export async function deleteAccountSessions(db: Db, userId: string): Promise<number> {
  const [row] = await query<{ n: number }>(
    db,
    `WITH gone AS (DELETE FROM refresh_tokens WHERE user_id = $1::uuid RETURNING family_id, revoked_at, expires_at)
     SELECT (count(DISTINCT family_id) FILTER (WHERE revoked_at IS NULL AND expires_at > now()))::int AS n FROM gone`,
    [userId],
  );
  return row?.n ?? 0;
}

/** Retention: deletes up to `batch` sessions that expired before `cutoff` (skipping rows in use); returns how many. */
export async function deleteExpiredSessions(db: Queryable, cutoff: Date, batch: number): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM refresh_tokens WHERE id IN (
       SELECT id FROM refresh_tokens WHERE expires_at < $1 ORDER BY expires_at LIMIT ${batch} FOR UPDATE SKIP LOCKED)`,
    [cutoff],
  );
  return rowCount ?? 0;
}
