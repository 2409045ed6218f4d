import { Injectable } from '@nestjs/common';
import { decodeCursor, encodeCursor } from '../common/pagination.js';
import type { Page } from '../common/openapi/page.dto.js';
import { likePattern } from '../moderation/moderation-queue.repository.js';
import { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { AdminUserDto } from '../users/dto/user.dto.js';
import { adminUserSelect, toAdminUserView } from '../users/user.mapper.js';
import { normalizeEmail } from '../common/text/email.js';
import { normalizeUsername } from '../users/username-rules.js';
import type { AdminArticleDto, ArticleListQueryDto, UserListQueryDto } from './admin-lists.dto.js';

interface ArticleRow {
  id: string;
  slug: string;
  title: string;
  commentsOpen: boolean;
  moderation: 'pre' | 'post';
  trustedBypass: boolean;
  commentCount: number;
  pendingCount: number;
  publishedAt: Date;
  updatedAt: Date;
}

/** Lists staff browse in the console: accounts (users and roles) and articles (their comment settings). */
@Injectable()
export class AdminListsService {
  constructor(private readonly prisma: PrismaService) {}

  /** Accounts newest first; `q` is a username prefix (normalised like usernames) or a whole email. Erased accounts are left out. */
  async users(q: UserListQueryDto): Promise<Page<AdminUserDto>> {
    const after = decodeCursor(q.cursor);
    const where: Prisma.UserWhereInput = {
      deletedAt: null,
      ...(q.role && { role: q.role }),
      ...(q.banned && { bannedAt: { not: null }, OR: [{ bannedUntil: null }, { bannedUntil: { gt: new Date() } }] }),
      ...(q.q && (q.q.includes('@') ? { email: normalizeEmail(q.q) } : { usernameNormalized: { startsWith: normalizeUsername(q.q) } })),
      ...(after && { AND: [{ OR: [{ createdAt: { lt: after.t } }, { createdAt: after.t, id: { lt: after.id } }] }] }),
    };
    const rows = await this.prisma.user.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: q.limit + 1,
      select: adminUserSelect,
    });
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return { items: page.map(toAdminUserView), nextCursor: rows.length > q.limit && last ? encodeCursor(last.createdAt, last.id) : null };
  }

  /** Articles newest first (by publication), with their settings and how many comments wait on each. */
  async articles(q: ArticleListQueryDto): Promise<Page<AdminArticleDto>> {
    const after = decodeCursor(q.cursor);
    const where: Prisma.Sql[] = [Prisma.sql`true`];
    if (q.q) where.push(Prisma.sql`(a.title ILIKE ${likePattern(q.q)} ESCAPE '\\' OR a.slug ILIKE ${likePattern(q.q)} ESCAPE '\\')`);
    if (after) where.push(Prisma.sql`(a.published_at, a.id) < (${after.t}::timestamptz, ${after.id}::uuid)`);
    const rows = await this.prisma.$queryRaw<ArticleRow[]>`
      SELECT a.id, a.slug, a.title, a.comments_open AS "commentsOpen", a.moderation_mode::text AS moderation,
             a.trusted_bypass AS "trustedBypass", a.approved_comment_count AS "commentCount", a.published_at AS "publishedAt",
             a.updated_at AS "updatedAt",
             (SELECT count(*) FROM comments c WHERE c.article_id = a.id AND c.status = 'pending' AND c.deleted_at IS NULL)::int AS "pendingCount"
      FROM articles a
      WHERE ${Prisma.join(where, ' AND ')}
      ORDER BY a.published_at DESC, a.id DESC
      LIMIT ${q.limit + 1}`;
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return {
      items: page.map((r) => ({ ...r, publishedAt: r.publishedAt.toISOString(), updatedAt: r.updatedAt.toISOString() })),
      nextCursor: rows.length > q.limit && last ? encodeCursor(last.publishedAt, last.id) : null,
    };
  }
}
