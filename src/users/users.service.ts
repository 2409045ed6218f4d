import { Injectable, Logger } from '@nestjs/common';
import type { AuthUser } from '../common/auth/auth-user.js';
import { AppError } from '../common/errors/app-error.js';
import type { Role } from '../generated/prisma/enums.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { isActive, lockAccounts, requireActor, requireTarget, userNotFound } from './account-locks.js';
import { adminUserSelect, type AdminUserView, toAdminUserView } from './user.mapper.js';
import { appendAudit } from '../audit/audit-log.js';

@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);

  constructor(private readonly prisma: PrismaService) {}

  /** Deleted accounts are gone for the admin API too. */
  async getAdminView(id: string): Promise<AdminUserView> {
    const user = await this.prisma.user.findFirst({ where: { id, deletedAt: null }, select: adminUserSelect });
    if (!user) throw userNotFound();
    return toAdminUserView(user);
  }

  /**
   * Changes a user's role, audited. The site must keep at least one active (not deleted, not banned) admin, so
   * demoting the last one is 409 LAST_ADMIN. The actor, the target and every admin are locked first (account-locks):
   * of two admins demoting each other at the same moment, the second finds it is no longer an admin (403
   * ACTOR_NO_LONGER_ALLOWED), and the admin count cannot change under the last-admin check.
   */
  async changeRole(actor: AuthUser, id: string, role: Role): Promise<AdminUserView> {
    const result = await this.prisma.transaction(async (tx) => {
      const locked = await lockAccounts(tx, [actor.id, id], { admins: true });
      requireActor(locked, actor.id, ['admin']);
      const target = requireTarget(locked, id);
      if (target.role === role) {
        return { from: target.role, user: await tx.user.findUniqueOrThrow({ where: { id }, select: adminUserSelect }) };
      }
      if (target.role === 'admin' && ![...locked.values()].some((u) => u.id !== id && u.role === 'admin' && isActive(u))) {
        throw AppError.conflict('LAST_ADMIN', 'The last admin cannot be demoted; make another user admin first');
      }
      const user = await tx.user.update({ where: { id }, data: { role }, select: adminUserSelect });
      await appendAudit(tx, { action: 'role_change', actorId: actor.id, targetUserId: id, reason: `${target.role} -> ${role}` });
      return { from: target.role, user };
    });
    if (result.from !== role) this.logger.log({ msg: 'role changed', userId: id, by: actor.id, from: result.from, to: role });
    return toAdminUserView(result.user);
  }

  /** Admins give an account a visible badge (or take it back, null); audited as `badge_change`. */
  async setBadge(actor: AuthUser, id: string, badge: string | null): Promise<AdminUserView> {
    const user = await this.prisma.transaction(async (tx) => {
      const locked = await lockAccounts(tx, [actor.id, id], { admins: true });
      requireActor(locked, actor.id, ['admin']);
      requireTarget(locked, id);
      const before = await tx.user.findUniqueOrThrow({ where: { id }, select: { badge: true } });
      if (before.badge === badge) return tx.user.findUniqueOrThrow({ where: { id }, select: adminUserSelect });
      const after = await tx.user.update({ where: { id }, data: { badge }, select: adminUserSelect });
      await appendAudit(tx, {
        action: 'badge_change',
        actorId: actor.id,
        targetUserId: id,
        reason: `${before.badge ?? '-'} -> ${badge ?? '-'}`,
      });
      return after;
    });
    return toAdminUserView(user);
  }
}
