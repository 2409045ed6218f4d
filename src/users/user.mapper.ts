import type { Prisma } from '../generated/prisma/client.js';
import type { AdminUserDto, UserBanDto, UserDto } from './dto/user.dto.js';

/** Columns a user may see about themselves (their ban included). Never the password hash or internal counters. */
export const selfUserSelect = {
  id: true,
  email: true,
  username: true,
  displayName: true,
  role: true,
  createdAt: true,
  bannedAt: true,
  bannedUntil: true,
  banReason: true,
} satisfies Prisma.UserSelect;

export type SelfUserRow = Prisma.UserGetPayload<{ select: typeof selfUserSelect }>;

export type SelfUserView = UserDto;

export function toSelfUserView(u: SelfUserRow): SelfUserView {
  return {
    id: u.id,
    email: u.email,
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    createdAt: u.createdAt.toISOString(),
    ban: toBanView(u),
  };
}

/** The ban in force, as its holder sees it; null when there is none (never banned, lifted, or a timed ban that ran out). */
export function toBanView(u: { bannedAt: Date | null; bannedUntil: Date | null; banReason: string | null }): UserBanDto | null {
  return isBanned(u) && u.bannedAt
    ? { since: u.bannedAt.toISOString(), until: u.bannedUntil?.toISOString() ?? null, reason: u.banReason }
    : null;
}

/** A ban is in force when set and not yet expired (timed bans lift themselves). */
export function isBanned(u: { bannedAt: Date | null; bannedUntil: Date | null }, now = new Date()): boolean {
  return u.bannedAt !== null && (u.bannedUntil === null || u.bannedUntil > now);
}

/** What moderators and admins see about an account (GET/PATCH /api/admin/users/:userId). Still no password hash. */
export const adminUserSelect = {
  id: true,
  email: true,
  username: true,
  displayName: true,
  role: true,
  createdAt: true,
  bannedAt: true,
  bannedUntil: true,
  banReason: true,
  approvedCommentCount: true,
  badge: true,
} satisfies Prisma.UserSelect;

export type AdminUserRow = Prisma.UserGetPayload<{ select: typeof adminUserSelect }>;

export type AdminUserView = AdminUserDto;

export function toAdminUserView(u: AdminUserRow): AdminUserView {
  return {
    ...toSelfUserView(u),
    approvedCommentCount: u.approvedCommentCount,
    badge: u.badge,
  };
}
