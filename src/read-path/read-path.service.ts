import { Injectable } from '@nestjs/common';
import { one, run } from '../database/sql.js';
import { PrismaService } from '../prisma/prisma.service.js';
import {
  ARTICLE,
  ARTICLE_PAGE,
  AUTH_USER,
  type AuthUserRow,
  COMMENT,
  COMMENT_FOR_CHANGE,
  type CommentForChangeRow,
  type CommentPageParams,
  commentPageStatement,
  type CommentScope,
  COUNT_MANY,
  COUNT_ONE,
  FIRST_PAGE_KEY,
  pageJson,
  POST_CONTEXT,
  type PostContextRow,
  type SortOrder,
  STREAM_ARTICLES,
} from './read-path.sql.js';

export interface CommentPageQuery {
  limit: number;
  order: SortOrder;
  after?: { t: Date; id: string };
  /** Only direct replies of (parent) or the whole thread under (root) this comment. */
  within?: { scope: Exclude<CommentScope, 'article'>; id: string };
  /** A signed-in reader also sees their own pending comments. */
  viewerId?: string;
}

export interface CommentRecord {
  status: string;
  authorId: string;
  deletedAt: Date | null;
  /** The reader's view (read-path.sql.ts publicCommentJson). */
  json: string;
}

/**
 * The hot public reads, answered from prepared statements on the application's pg pool (no Prisma on these paths)
 * as ready-to-send JSON text. The SQL lives in read-path.sql.ts; this class only binds parameters.
 */
@Injectable()
export class ReadPath {
  constructor(private readonly prisma: PrismaService) {}

  /** `{"article":{…}}`, or undefined for an unknown slug. */
  async article(slug: string): Promise<string | undefined> {
    return (await one(this.prisma.pool, ARTICLE, [slug]))?.json;
  }

  /** `{"items":[…],"nextCursor":…}`, newest first. */
  async articlePage(limit: number, after?: { t: Date; id: string }): Promise<string> {
    const key = after ? { t: after.t.toISOString(), id: after.id } : FIRST_PAGE_KEY.desc;
    return pageJson((await one(this.prisma.pool, ARTICLE_PAGE, [key.t, key.id, limit]))!);
  }

  /** `{"items":[…],"nextCursor":…}`, or undefined for an unknown slug. */
  async commentPage(slug: string, q: CommentPageQuery): Promise<string | undefined> {
    const key = q.after ? { t: q.after.t.toISOString(), id: q.after.id } : FIRST_PAGE_KEY[q.order];
    const params = [slug, key.t, key.id, q.limit] as unknown[];
    if (q.viewerId) params.push(q.viewerId);
    if (q.within) params.push(q.within.id);
    const s = commentPageStatement(q.within?.scope ?? 'article', q.order, q.viewerId !== undefined);
    const row = (await one(this.prisma.pool, s, params as CommentPageParams))!;
    return row.found ? pageJson(row) : undefined;
  }

  async comment(id: string): Promise<CommentRecord | undefined> {
    const row = await one(this.prisma.pool, COMMENT, [id]);
    return row && { status: row.status, authorId: row.author_id, deletedAt: row.deleted_at, json: row.json };
  }

  /** Approved, not deleted comments on one article; undefined when the slug is unknown. */
  async count(slug: string): Promise<number | undefined> {
    return (await one(this.prisma.pool, COUNT_ONE, [slug]))?.c;
  }

  /** Counts for many slugs in one query; slugs that do not exist are absent from the map. */
  async counts(slugs: string[]): Promise<Map<string, number>> {
    if (!slugs.length) return new Map();
    return new Map((await run(this.prisma.pool, COUNT_MANY, [slugs])).map((r) => [r.slug, r.c]));
  }

  /** The known articles among `slugs`, with id and count (live-update streams). */
  streamArticles(slugs: string[]): Promise<{ id: string; slug: string; count: number }[]> {
    return run(this.prisma.pool, STREAM_ARTICLES, [slugs]);
  }

  async authUser(id: string): Promise<AuthUserRow | undefined> {
    return one(this.prisma.pool, AUTH_USER, [id]);
  }

  /** What posting a comment checks, in one round trip (always one row; absent things are null). */
  async postContext(
    slug: string | null,
    authorId: string,
    parentId: string | null,
    idempotencyKey: string | null,
  ): Promise<PostContextRow> {
    return (await one(this.prisma.pool, POST_CONTEXT, [slug, authorId, parentId, idempotencyKey]))!;
  }

  async commentForChange(id: string): Promise<CommentForChangeRow | undefined> {
    return one(this.prisma.pool, COMMENT_FOR_CHANGE, [id]);
  }
}
