import { AppError } from '../common/errors/app-error.js';
import { Prisma } from '../generated/prisma/client.js';
import type { Role } from '../generated/prisma/enums.js';
import { isBanned } from './user.mapper.js';

/**
 * Staff changes (role changes, bans and unbans) are decided inside one transaction on locked rows: the actor's,
 * the target's and, where the last-admin rule applies, every admin's. All are locked in one statement, in id
 * order, so two such transactions never wait on each other in a cycle (two admins banning each other used to
 * deadlock), and the second of two racing changes sees the first one's outcome: of two admins demoting or banning
 * each other at the same moment exactly one succeeds; the other finds it no longer holds the role it acted with.
 */

export interface LockedAccount {
  id: string;
  role: Role;
  bannedAt: Date | null;
  bannedUntil: Date | null;
  deletedAt: Date | null;
}

export const userNotFound = () => AppError.notFound('USER_NOT_FOUND', 'No user with this id');

export const isActive = (u: LockedAccount, now = new Date()) => u.deletedAt === null && !isBanned(u, now);

/** Locks the given accounts (and, with `admins`, every admin account) FOR UPDATE in id order. */
export async function lockAccounts(
  tx: Prisma.TransactionClient,
  ids: string[],
  opts: { admins?: boolean } = {},
): Promise<Map<string, LockedAccount>> {
  const rows = await tx.$queryRaw<LockedAccount[]>`
    SELECT id, role::text AS role, banned_at AS "bannedAt", banned_until AS "bannedUntil", deleted_at AS "deletedAt"
    FROM users
    WHERE id = ANY(${ids}::uuid[]) ${opts.admins ? Prisma.sql`OR role = 'admin'` : Prisma.empty}
    ORDER BY id
    FOR UPDATE`;
  return new Map(rows.map((r) => [r.id, r]));
}

/**
 * The actor, as locked: still there, not banned, and holding one of `roles`. The guards checked this when the
 * request arrived; a concurrent change may have revoked it since.
 */
export function requireActor(locked: Map<string, LockedAccount>, actorId: string, roles: readonly Role[]): LockedAccount {
  const actor = locked.get(actorId);
  if (!actor || !isActive(actor) || !roles.includes(actor.role)) {
    throw AppError.forbidden(
      'ACTOR_NO_LONGER_ALLOWED',
      'Your account no longer has the rights for this action (its role or ban changed meanwhile)',
    );
  }
  return actor;
}

/** The target, as locked; 404 when it does not exist or was deleted. */
export function requireTarget(locked: Map<string, LockedAccount>, targetId: string): LockedAccount {
  const target = locked.get(targetId);
  if (!target || target.deletedAt) throw userNotFound();
  return target;
}
