import type { Prisma } from '../generated/prisma/client.js';
import { adminUserSelect } from './user.mapper.js';

/**
 * The changes other modules make to an account row (table `users`), inside their own transaction: a ban and its
 * lifting (moderation, DSA misuse measures and appeals) and the erasure's tombstone (privacy). The approved-comment
 * counter is the comment core's; accounts are created by auth's sign-up paths.
 */

/** Bans the account from `at` until `until` (null: until lifted). Returns the admin view of the account. */
export function banAccount(tx: Prisma.TransactionClient, userId: string, ban: { at: Date; until: Date | null; reason: string }) {
  return tx.user.update({
    where: { id: userId },
    data: { bannedAt: ban.at, bannedUntil: ban.until, banReason: ban.reason },
    select: adminUserSelect,
  });
}

/** Lifts the account's ban. Returns the admin view of the account. */
export function liftBan(tx: Prisma.TransactionClient, userId: string) {
  return tx.user.update({ where: { id: userId }, data: { bannedAt: null, bannedUntil: null, banReason: null }, select: adminUserSelect });
}

/** Lifts the ban that began at `bannedAt` only (an appeal against it must not lift a later one); [] when it no longer holds. */
export function liftBanFrom(tx: Prisma.TransactionClient, userId: string, bannedAt: Date) {
  return tx.user.updateManyAndReturn({
    where: { id: userId, bannedAt },
    data: { bannedAt: null, bannedUntil: null, banReason: null },
    select: { id: true, username: true },
  });
}

/**
 * GDPR erasure: the row stays as a tombstone without personal data. Email, display name and password hash go (and
 * for an imported account its claim address and its source id, which may be derived from an email), the username becomes `placeholder` (a form no registration can take, so the name is free again), role and ban are
 * cleared and `deleted_at` is set.
 */
export async function anonymizeAccount(tx: Prisma.TransactionClient, userId: string, placeholder: string, at: Date): Promise<void> {
  await tx.user.update({
    where: { id: userId },
    data: {
      email: null,
      emailVerifiedAt: null,
      username: placeholder,
      usernameNormalized: placeholder,
      usernameSkeleton: null,
      displayName: null,
      passwordHash: null,
      claimEmail: null,
      importKey: null,
      unclaimed: false,
      role: 'reader',
      bannedAt: null,
      bannedUntil: null,
      banReason: null,
      deletedAt: at,
    },
  });
}
