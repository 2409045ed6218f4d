import { Injectable } from '@nestjs/common';
import { decodeCursor, encodeCursor } from '../common/pagination.js';
import type { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { AuditLogQueryDto } from './dto/audit-log.dto.js';
import type { AuditEntryDto } from './dto/moderation-response.dto.js';
import type { Page } from '../common/openapi/page.dto.js';

const auditSelect = {
  id: true,
  action: true,
  fromStatus: true,
  toStatus: true,
  reason: true,
  createdAt: true,
  commentId: true,
  targetUserId: true,
  details: true,
  article: { select: { id: true, slug: true } },
  moderator: { select: { id: true, username: true } },
  comment: { select: { author: { select: { id: true, username: true } } } },
} satisfies Prisma.ModerationActionSelect;

/**
 * Read side of the append-only audit trail (moderation_actions; a trigger refuses UPDATE and DELETE, and no
 * route writes to it except through the decisions themselves). Newest first.
 */
@Injectable()
export class AuditLogService {
  constructor(private readonly prisma: PrismaService) {}

  async list(q: AuditLogQueryDto): Promise<Page<AuditEntryDto>> {
    const after = decodeCursor(q.cursor);
    const and: Prisma.ModerationActionWhereInput[] = [];
    if (q.comment) and.push({ commentId: q.comment });
    if (q.moderator) and.push({ moderatorId: q.moderator });
    if (q.article) and.push({ article: { slug: q.article } });
    // The target of a comment decision is the comment's author.
    if (q.targetUser) and.push({ OR: [{ targetUserId: q.targetUser }, { comment: { authorId: q.targetUser } }] });
    if (after) and.push({ OR: [{ createdAt: { lt: after.t } }, { createdAt: after.t, id: { lt: after.id } }] });
    const rows = await this.prisma.moderationAction.findMany({
      where: { AND: and },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: q.limit + 1,
      select: auditSelect,
    });
    const page = rows.slice(0, q.limit);
    // target_user_id has no relation in the schema: resolve the usernames in one query.
    const targetIds = [...new Set(page.map((r) => r.targetUserId).filter((id): id is string => id !== null))];
    const targets = targetIds.length
      ? new Map((await this.prisma.user.findMany({ where: { id: { in: targetIds } }, select: { id: true, username: true } })).map((u) => [u.id, u]))
      : new Map<string, { id: string; username: string }>();
    const last = page.at(-1);
    return {
      items: page.map((r) => ({
        id: r.id,
        action: r.action,
        createdAt: r.createdAt.toISOString(),
        moderator: r.moderator,
        fromStatus: r.fromStatus,
        toStatus: r.toStatus,
        reason: r.reason,
        commentId: r.commentId,
        article: r.article,
        details: r.details as Record<string, unknown> | null,
        // Accounts are soft-deleted, so a target always resolves; a missing row (never expected) shows as null.
        targetUser: (r.targetUserId ? targets.get(r.targetUserId) : r.comment?.author) ?? null,
      })),
      nextCursor: rows.length > q.limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }
}
