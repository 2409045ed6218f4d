import { Injectable } from '@nestjs/common';
import { articleNotFound } from '../articles/articles.service.js';
import { decodeCursor, encodeCursor } from '../common/pagination.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { publicCommentSelect, toPublicCommentView } from './comment.mapper.js';

@Injectable()
export class CommentsService {
  constructor(private readonly prisma: PrismaService) {}

  /** Approved comments of an article, oldest or newest first, keyset-paginated (no gaps or repeats under inserts). */
  async listForArticle(slug: string, opts: { limit: number; cursor?: string; sort: 'oldest' | 'newest' }) {
    const article = await this.prisma.article.findUnique({ where: { slug }, select: { id: true } });
    if (!article) throw articleNotFound(slug);
    const after = decodeCursor(opts.cursor);
    const cmp = opts.sort === 'newest' ? 'lt' : 'gt';
    const dir = opts.sort === 'newest' ? 'desc' : 'asc';
    const rows = await this.prisma.comment.findMany({
      where: {
        articleId: article.id,
        status: 'approved',
        ...(after && { OR: [{ createdAt: { [cmp]: after.t } }, { createdAt: after.t, id: { [cmp]: after.id } }] }),
      },
      orderBy: [{ createdAt: dir }, { id: dir }],
      take: opts.limit + 1,
      select: publicCommentSelect,
    });
    const page = rows.slice(0, opts.limit);
    const last = page.at(-1);
    return {
      items: page.map(toPublicCommentView),
      nextCursor: rows.length > opts.limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }
}
