import { Injectable } from '@nestjs/common';
import { decodeCursor, encodeCursor } from '../common/pagination.js';
import { Prisma } from '../generated/prisma/client.js';
import type { CommentStatus } from '../generated/prisma/enums.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { AuditLogQueryDto } from './dto/audit-log.dto.js';
import type { AuditEntryDto } from './dto/moderation-response.dto.js';
import type { Page } from '../common/openapi/page.dto.js';

interface AuditRow {
  id: string;
  action: string;
  createdAt: Date;
  fromStatus: CommentStatus | null;
  toStatus: CommentStatus | null;
  reason: string | null;
  commentId: string | null;
  details: Prisma.JsonValue;
  moderatorId: string | null;
  moderatorUsername: string | null;
  articleId: string | null;
  articleSlug: string | null;
  targetUserId: string | null;
  targetUsername: string | null;
  commentAuthorId: string | null;
  commentAuthorUsername: string | null;
}

export interface AuditFilter {
  comment?: string;
  moderator?: string;
  /** article slug */
  article?: string;
  targetUser?: string;
  after?: { t: Date; id: string };
  limit: number;
}

/**
 * Up to `limit + 1` audit rows, newest first, as keyset pages bound by the (filter, created_at, id) indexes:
 * `(created_at, id) < ($t, $id)` is an index condition, so a deep page costs what the first one does.
 */
export function auditPageSql(f: AuditFilter): Prisma.Sql {
  const fetch = f.limit + 1;
  const where: Prisma.Sql[] = [];
  if (f.comment) where.push(Prisma.sql`m.comment_id = ${f.comment}::uuid`);
  if (f.moderator) where.push(Prisma.sql`m.moderator_id = ${f.moderator}::uuid`);
  if (f.article) where.push(Prisma.sql`m.article_id = (SELECT id FROM articles WHERE slug = ${f.article})`);
  if (f.after) where.push(Prisma.sql`(m.created_at, m.id) < (${f.after.t.toISOString()}::timestamptz, ${f.after.id}::uuid)`);
  const branch = (extra: Prisma.Sql[]) => {
    const conditions = [...where, ...extra];
    return Prisma.sql`SELECT m.* FROM moderation_actions m
      ${conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}` : Prisma.empty}
      ORDER BY m.created_at DESC, m.id DESC LIMIT ${fetch}`;
  };
  // The target of a comment decision is the comment's author: two index scans merged, not an OR across a join.
  const page = f.targetUser
    ? Prisma.sql`(${branch([Prisma.sql`m.target_user_id = ${f.targetUser}::uuid`])})
        UNION ALL
        (${branch([
          Prisma.sql`m.comment_id IN (SELECT id FROM comments WHERE author_id = ${f.targetUser}::uuid)`,
          Prisma.sql`m.target_user_id IS DISTINCT FROM ${f.targetUser}::uuid`,
        ])})
        ORDER BY created_at DESC, id DESC LIMIT ${fetch}`
    : branch([]);
  // Names come from per-row primary-key lookups (at most limit + 1 of each), a plan that does not depend on table sizes.
  return Prisma.sql`
    SELECT m.id, m.action, m.created_at AS "createdAt", m.from_status::text AS "fromStatus", m.to_status::text AS "toStatus",
           m.reason, m.comment_id AS "commentId", m.details,
           m.moderator_id AS "moderatorId", (SELECT username FROM users WHERE id = m.moderator_id) AS "moderatorUsername",
           m.article_id AS "articleId", (SELECT slug FROM articles WHERE id = m.article_id) AS "articleSlug",
           m.target_user_id AS "targetUserId", (SELECT username FROM users WHERE id = m.target_user_id) AS "targetUsername",
           (SELECT author_id FROM comments WHERE id = m.comment_id) AS "commentAuthorId",
           (SELECT u.username FROM comments c JOIN users u ON u.id = c.author_id WHERE c.id = m.comment_id) AS "commentAuthorUsername"
    FROM (${page}) m
    ORDER BY m.created_at DESC, m.id DESC`;
}

/**
 * Read side of the append-only audit trail (moderation_actions; a trigger refuses UPDATE and DELETE, and no
 * route writes to it except through the decisions themselves). Newest first.
 */
@Injectable()
export class AuditLogService {
  constructor(private readonly prisma: PrismaService) {}

  async list(q: AuditLogQueryDto): Promise<Page<AuditEntryDto>> {
    const after = decodeCursor(q.cursor);
    const rows = await this.prisma.$queryRaw<AuditRow[]>(auditPageSql({ ...q, after }));
    const items = rows.slice(0, q.limit);
    const last = items.at(-1);
    return {
      items: items.map((r) => ({
        id: r.id,
        action: r.action,
        createdAt: r.createdAt.toISOString(),
        moderator: r.moderatorId && r.moderatorUsername !== null ? { id: r.moderatorId, username: r.moderatorUsername } : null,
        fromStatus: r.fromStatus,
        toStatus: r.toStatus,
        reason: r.reason,
        commentId: r.commentId,
        article: r.articleId && r.articleSlug !== null ? { id: r.articleId, slug: r.articleSlug } : null,
        details: r.details as Record<string, unknown> | null,
        // Accounts are soft-deleted, so a target always resolves; a missing row (never expected) shows as null.
        targetUser: r.targetUserId
          ? r.targetUsername === null
            ? null
            : { id: r.targetUserId, username: r.targetUsername }
          : r.commentAuthorId && r.commentAuthorUsername !== null
            ? { id: r.commentAuthorId, username: r.commentAuthorUsername }
            : null,
      })),
      nextCursor: rows.length > q.limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }
}
