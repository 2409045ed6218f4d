import { Injectable, Logger } from '@nestjs/common';
import { appendAudit } from '../audit/audit-log.js';
import { revokeAccountSessions } from '../auth/sessions.js';
import type { AuthUser } from '../common/auth/auth-user.js';
import { AppError } from '../common/errors/app-error.js';
import { applyCommentChanges, type CommentSnapshot } from '../comment-core/comment-state.js';
import { appendEvent, userBannedEvent, userUnbannedEvent } from '../events/domain-events.js';
import type { Prisma } from '../generated/prisma/client.js';
import { insertAccountStatement, liftAccountRestrictions, restrictionEffects } from '../dsa/decision-effects.js';
import { StatementPolicy } from '../dsa/statement-policy.js';
import { DecisionReasonsService } from '../decision-reasons/decision-reasons.service.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { AdminUserResponse, BanResultDto } from '../users/dto/user.dto.js';
import { lockAccounts, requireActor, requireTarget } from '../users/account-locks.js';
import { banAccount, liftBan } from '../users/account-changes.js';
import { toAdminUserView } from '../users/user.mapper.js';
import type { BanDto } from './dto/ban.dto.js';

// Rejecting a prolific user's pending comments may wait on row locks; keep clear of the default.
const BAN_TX = { timeout: 30_000 };

/**
 * Bans take effect at once: the JWT strategy reloads the user on every request and JwtAuthGuard refuses a banned
 * one (403 USER_BANNED) everywhere but the @AllowBanned routes, and the user's refresh tokens are revoked, so no
 * session survives; signing in again shows the ban (`user.ban`) and leads to its statement of reasons and appeal.
 * Timed bans lift themselves (`bannedUntil`).
 */
@Injectable()
export class UserBansService {
  private readonly logger = new Logger(UserBansService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly policy: StatementPolicy,
    private readonly reasons: DecisionReasonsService,
  ) {}

  async ban(actor: AuthUser, targetId: string, request: BanDto): Promise<BanResultDto> {
    // A decision reason (src/decision-reasons) fills in the statement's fields.
    const dto = await this.reasons.apply(request, 'ban');
    const until = dto.until ? new Date(dto.until) : null;
    if (until && until.getTime() <= Date.now()) {
      throw AppError.badRequest('VALIDATION_FAILED', 'Request validation failed', [
        { field: 'until', message: 'until must be in the future' },
      ]);
    }
    // PostgreSQL stores years up to 9999; "9999-12-31T23:59-14:00" is already year 10000 in UTC. Omit `until` for a permanent ban.
    if (until && until.getUTCFullYear() > 9999) {
      throw AppError.badRequest('VALIDATION_FAILED', 'Request validation failed', [
        { field: 'until', message: 'until must be before the year 10000 (omit it for a permanent ban)' },
      ]);
    }
    if (dto.statement?.manifestlyIllegal !== undefined) {
      throw AppError.badRequest('VALIDATION_FAILED', 'Request validation failed', [
        { field: 'statement.manifestlyIllegal', message: 'manifestlyIllegal applies to decisions on content, not to a ban' },
      ]);
    }
    // DSA Art. 17: one statement for the account, one for each comment rejected with it.
    const accountStatement = this.policy.resolve(dto.statement, {
      action: 'ban',
      decidedById: actor.id,
      reason: dto.reason,
      endsAt: until,
    });
    const commentStatement = this.policy.resolve(dto.statement, { action: 'ban_reject', decidedById: actor.id, reason: dto.reason });
    const result = await this.prisma.transaction(async (tx) => {
      await this.lockTarget(tx, actor, targetId);
      const now = new Date();
      const user = await banAccount(tx, targetId, { at: now, until, reason: dto.reason });
      const revokedSessions = await revokeAccountSessions(tx, targetId, now);
      await appendAudit(tx, { actorId: actor.id, targetUserId: targetId, action: 'ban', reason: dto.reason });
      // Before the rejections it causes (their comment.rejected events follow it in the log).
      await appendEvent(tx, userBannedEvent(user, until, dto.reason));
      // Created at the ban's own timestamp: an appeal against it lifts this ban, not a later one.
      await insertAccountStatement(tx, accountStatement, { userId: targetId, contentDate: user.createdAt, createdAt: now });
      let rejectedComments = 0;
      if (dto.rejectPending) {
        const pending = await tx.$queryRaw<CommentSnapshot[]>`
          SELECT id, article_id AS "articleId", author_id AS "authorId", status::text AS status,
                 deleted_at AS "deletedAt", version
          FROM comments WHERE author_id = ${targetId}::uuid AND status = 'pending' AND deleted_at IS NULL
          ORDER BY id FOR UPDATE`;
        await applyCommentChanges(
          tx,
          pending,
          { status: 'rejected', statusReason: dto.reason },
          { action: 'ban_reject', actorId: actor.id, reason: dto.reason },
          restrictionEffects(commentStatement),
        );
        rejectedComments = pending.length;
      }
      return { user: toAdminUserView(user), rejectedComments, revokedSessions };
    }, BAN_TX);
    this.logger.log({
      msg: 'user banned',
      userId: targetId,
      moderatorId: actor.id,
      until: until?.toISOString() ?? null,
      rejectedComments: result.rejectedComments,
    });
    return result;
  }

  async unban(actor: AuthUser, targetId: string): Promise<AdminUserResponse> {
    const user = await this.prisma.transaction(async (tx) => {
      const target = await this.lockTarget(tx, actor, targetId);
      if (!target.bannedAt) throw AppError.conflict('USER_NOT_BANNED', 'This user is not banned');
      const updated = await liftBan(tx, targetId);
      await appendAudit(tx, { actorId: actor.id, targetUserId: targetId, action: 'unban' });
      await appendEvent(tx, userUnbannedEvent(updated));
      // The account restrictions in force end here (DSA statements of reasons, misuse suspensions).
      await liftAccountRestrictions(tx, targetId, new Date());
      return updated;
    });
    this.logger.log({ msg: 'user unbanned', userId: targetId, moderatorId: actor.id });
    return { user: toAdminUserView(user) };
  }

  /**
   * Locks the actor's and the target's rows in id order (account-locks: mutual bans never deadlock, and the second
   * of two racing actions sees the first) and checks, on the locked rows, that the actor may act on the target.
   */
  private async lockTarget(tx: Prisma.TransactionClient, actor: AuthUser, targetId: string) {
    if (actor.id === targetId) throw AppError.forbidden('CANNOT_BAN_SELF', 'You cannot ban or unban yourself');
    const locked = await lockAccounts(tx, [actor.id, targetId]);
    const current = requireActor(locked, actor.id, ['moderator', 'admin']);
    const target = requireTarget(locked, targetId);
    // Moderators police readers; only an admin may ban staff.
    if (current.role !== 'admin' && target.role !== 'reader') {
      throw AppError.forbidden('CANNOT_BAN_STAFF', 'Only an admin can ban a moderator or an admin');
    }
    return target;
  }
}
