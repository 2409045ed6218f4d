import { AUTOMATIC_HOLD_SOURCES } from '../holds/comment-holds.js';
import { Injectable } from '@nestjs/common';
import { isoUtc } from '../database/sql.js';
import { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { holdJson } from '../holds/comment-holds.js';
import type { QueueStatus } from './dto/queue.dto.js';
import type { QueueRow } from './moderation.mapper.js';

/** How many report reasons a queue item carries (newest first); reportCount always has the full number. */
const MAX_REPORT_REASONS = 20;

export interface QueueFilter {
  status: QueueStatus;
  /** One comment (GET /api/admin/comments/:commentId). */
  id?: string;
  /** Only comments held by this source (comment_holds, src/holds). */
  holdSource?: string;
  articleId?: string;
  authorId?: string;
  q?: string;
  after?: { t: Date; id: string };
  limit: number;
}

export interface StatusCounts {
  pending: number;
  approved: number;
  rejected: number;
  spam: number;
  reported: number;
  noticed: number;
  deleted: number;
}

/** The comment a queue item replies to (the console shows it above the card): its text even when hidden, for staff. */
const PARENT_JSON = `CASE WHEN pc.id IS NULL THEN NULL ELSE json_build_object('id', pc.id, 'body', pc.body, 'status', pc.status,
  'deleted', pc.deleted_at IS NOT NULL, 'createdAt', ${isoUtc('pc.created_at')},
  'author', CASE WHEN pu.deleted_at IS NOT NULL THEN NULL ELSE json_build_object('id', pu.id, 'username', pu.username) END) END`;

/**
 * Reports still to review: reported, not deleted, not removed, and no moderator approved it since its latest report
 * (a rejection or spam decision removes it). Walks the reported partial index, with per-row lookups.
 */
export const REPORTED_OPEN = `c.report_count > 0 AND c.deleted_at IS NULL AND c.status IN ('pending', 'approved')
  AND NOT EXISTS (SELECT 1 FROM moderation_actions m WHERE m.comment_id = c.id AND m.action = 'approve'
                  AND m.created_at >= (SELECT max(r.created_at) FROM comment_reports r WHERE r.comment_id = c.id))`;

/** `%`, `_` and the escape character itself are literal in a search term. */
export function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The queue and count queries, in SQL because one round trip returns a whole page with its article, author and
 * report reasons, and the search needs ILIKE with our own escaping. Statuses other than `deleted` exclude
 * soft-deleted comments, so every comment is counted once under its status and once more if it is reported.
 */
@Injectable()
export class ModerationQueueRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Up to `limit + 1` rows (the extra one tells the caller there is a next page). */
  page(f: QueueFilter): Promise<QueueRow[]> {
    return this.prisma.$queryRaw<QueueRow[]>(queuePageSql(f));
  }

  /** Counts per status (one scan), over all comments or one article's, plus the oldest pending comment. */
  async counts(articleId?: string): Promise<StatusCounts & { oldestPendingAt: Date | null; oldestPendingAgeSeconds: number | null }> {
    const scope = articleId ? Prisma.sql`WHERE article_id = ${articleId}::uuid` : Prisma.empty;
    const [row] = await this.prisma.$queryRaw<(StatusCounts & { oldestPendingAt: Date | null; oldestPendingAgeSeconds: number | null })[]>`
      SELECT
        count(*) FILTER (WHERE deleted_at IS NULL AND status = 'pending')::int  AS pending,
        count(*) FILTER (WHERE deleted_at IS NULL AND status = 'approved')::int AS approved,
        count(*) FILTER (WHERE deleted_at IS NULL AND status = 'rejected')::int AS rejected,
        count(*) FILTER (WHERE deleted_at IS NULL AND status = 'spam')::int     AS spam,
        count(*) FILTER (WHERE deleted_at IS NULL AND report_count > 0)::int    AS reported,
        count(*) FILTER (WHERE deleted_at IS NULL AND open_notice_count > 0)::int AS noticed,
        count(*) FILTER (WHERE deleted_at IS NOT NULL)::int                     AS deleted,
        min(created_at) FILTER (WHERE deleted_at IS NULL AND status = 'pending') AS "oldestPendingAt",
        floor(extract(epoch FROM now() - min(created_at) FILTER (WHERE deleted_at IS NULL AND status = 'pending')))::int
          AS "oldestPendingAgeSeconds"
      FROM comments ${scope}`;
    return row;
  }
}

/** The oldest notice still waiting for a decision (DSA Art. 16), for the queue summary. */
export async function oldestOpenNotice(prisma: PrismaService): Promise<{ receivedAt: Date; ageSeconds: number } | null> {
  const [row] = await prisma.$queryRaw<{ receivedAt: Date | null; ageSeconds: number | null }[]>`
    SELECT min(received_at) AS "receivedAt", floor(extract(epoch FROM now() - min(received_at)))::int AS "ageSeconds"
    FROM notices WHERE status = 'open'`;
  return row?.receivedAt ? { receivedAt: row.receivedAt, ageSeconds: row.ageSeconds ?? 0 } : null;
}

/**
 * One queue page as SQL: every filter is an equality on an index's leading columns and the cursor is a row-value
 * comparison on (created_at, id), so a deep page reads what the first page reads (the `q` search excepted: it
 * filters along the index).
 */
export function queuePageSql(f: QueueFilter): Prisma.Sql {
  // One comment by id: whatever its status.
  const where: Prisma.Sql[] = f.id ? [] : [statusCondition(f.status)];
  if (f.articleId) where.push(Prisma.sql`c.article_id = ${f.articleId}::uuid`);
  if (f.authorId) where.push(Prisma.sql`c.author_id = ${f.authorId}::uuid`);
  if (f.q) where.push(Prisma.sql`c.body ILIKE ${likePattern(f.q)} ESCAPE '\\'`);
  if (f.id) where.push(Prisma.sql`c.id = ${f.id}::uuid`);
  if (f.holdSource) {
    const sources = f.holdSource === 'automatic' ? [...AUTOMATIC_HOLD_SOURCES] : [f.holdSource];
    where.push(Prisma.sql`EXISTS (SELECT 1 FROM comment_holds h WHERE h.comment_id = c.id AND h.source = ANY(${sources}::text[]))`);
  }
  // The pending and noticed queues are worked oldest first; every other view shows the newest first.
  const asc = f.status === 'pending' || f.status === 'noticed' || f.status === 'reported_open';
  if (f.after) {
    where.push(
      asc
        ? Prisma.sql`(c.created_at, c.id) > (${f.after.t}::timestamptz, ${f.after.id}::uuid)`
        : Prisma.sql`(c.created_at, c.id) < (${f.after.t}::timestamptz, ${f.after.id}::uuid)`,
    );
  }
  const order = asc ? Prisma.sql`c.created_at ASC, c.id ASC` : Prisma.sql`c.created_at DESC, c.id DESC`;
  return Prisma.sql`
    SELECT c.id, c.body, c.status::text AS status, c.status_reason AS "statusReason", c.version,
           c.parent_id AS "parentId", c.depth, c.report_count AS "reportCount", c.created_at AS "createdAt",
           c.edited_at AS "editedAt", c.deleted_at AS "deletedAt", c.featured_at AS "featuredAt",
           a.id AS "articleId", a.slug AS "articleSlug", a.title AS "articleTitle",
           u.id AS "authorId", u.username AS "authorUsername", u.approved_comment_count AS "authorApprovedCommentCount",
           u.banned_at AS "authorBannedAt", u.banned_until AS "authorBannedUntil", u.role::text AS "authorRole",
           COALESCE(r.reasons, ARRAY[]::text[]) AS "reportReasons", COALESCE(n.notices, '[]') AS notices,
           (SELECT ${Prisma.raw(holdJson('h', isoUtc))} FROM comment_holds h WHERE h.comment_id = c.id) AS hold,
           ${Prisma.raw(PARENT_JSON)} AS parent
    FROM comments c
    JOIN articles a ON a.id = c.article_id
    JOIN users u ON u.id = c.author_id
    LEFT JOIN comments pc ON pc.id = c.parent_id
    LEFT JOIN users pu ON pu.id = pc.author_id
    LEFT JOIN LATERAL (
      SELECT array_agg(x.reason ORDER BY x.created_at DESC) AS reasons
      FROM (SELECT reason, created_at FROM comment_reports WHERE comment_id = c.id
            ORDER BY created_at DESC LIMIT ${MAX_REPORT_REASONS}) x
    ) r ON c.report_count > 0
    LEFT JOIN LATERAL (
      SELECT json_agg(json_build_object(
               'id', x.id, 'category', x.category, 'categorySpecification', x.category_specification, 'explanation', x.explanation,
               'receivedAt', ${Prisma.raw(isoUtc('x.received_at'))}, 'ageSeconds', floor(extract(epoch FROM now() - x.received_at))::int,
               'notifierName', x.notifier_name, 'notifierSignedIn', x.notifier_user_id IS NOT NULL)
             ORDER BY x.received_at, x.id) AS notices
      FROM (SELECT * FROM notices WHERE c.open_notice_count > 0 AND comment_id = c.id AND status = 'open'
            ORDER BY received_at, id LIMIT ${MAX_REPORT_REASONS}) x
    ) n ON c.open_notice_count > 0
    WHERE ${Prisma.join(where, ' AND ')}
    ORDER BY ${order}
    LIMIT ${f.limit + 1}`;
}

function statusCondition(status: QueueStatus): Prisma.Sql {
  switch (status) {
    case 'reported':
      return Prisma.sql`c.report_count > 0 AND c.deleted_at IS NULL`;
    case 'reported_open':
      return Prisma.sql`${Prisma.raw(REPORTED_OPEN)}`;
    case 'noticed':
      return Prisma.sql`c.open_notice_count > 0 AND c.deleted_at IS NULL`;
    case 'deleted':
      return Prisma.sql`c.deleted_at IS NOT NULL`;
    case 'pending':
    case 'approved':
    case 'rejected':
    case 'spam':
      return Prisma.sql`c.status = ${status}::"CommentStatus" AND c.deleted_at IS NULL`;
  }
}
