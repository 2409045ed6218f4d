import { Injectable } from '@nestjs/common';
import { isSlug } from '../common/validation/slug.js';
import { encodeCursor } from '../common/cursor.js';
import { decodeCursor } from '../common/pagination.js';
import { run } from '../database/sql.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { FIRST_PAGE_KEY, FIRST_PAGE_SCORE } from '../database/json-pages.js';
import { threadPageStatement, type ThreadPageParams } from './threads.sql.js';

export interface ThreadPageQuery {
  sort: 'newest' | 'oldest' | 'top';
  limit: number;
  replies: number;
  cursor?: string;
  viewerId?: string;
}

/**
 * Threads of an article for the reader's widget and the article page: `{ article, items, nextCursor }` as JSON text,
 * assembled from the rows' JSON without parsing it (the read path's way).
 */
@Injectable()
export class ThreadsService {
  constructor(private readonly prisma: PrismaService) {}

  /** JSON text, or undefined for an unknown slug. */
  async page(slug: string, q: ThreadPageQuery): Promise<string | undefined> {
    if (!isSlug(slug)) return undefined;
    const sort = q.sort === 'oldest' ? 'asc' : q.sort === 'top' ? 'top' : 'desc';
    const after: { t: Date; id: string; s?: number } | undefined = sort === 'top' ? decodeCursor(q.cursor, true) : decodeCursor(q.cursor);
    const key = after ? { t: after.t.toISOString(), id: after.id } : FIRST_PAGE_KEY[sort === 'asc' ? 'asc' : 'desc'];
    const params: ThreadPageParams = [slug, key.t, key.id, q.limit, q.replies];
    if (q.viewerId) params.push(q.viewerId);
    if (sort === 'top') params.push(after?.s ?? FIRST_PAGE_SCORE);
    const rows = await run(this.prisma.pool, threadPageStatement(sort, q.viewerId !== undefined), params);
    if (!rows.length) return undefined;
    const items: string[] = [];
    let next = 'null';
    for (const row of rows) {
      if (row.json === null || row.rn === null) continue;
      if (row.rn > q.limit) {
        const last = rows.find((r) => r.rn === q.limit)!;
        next = `"${encodeCursor(last.last_t!, last.id!, sort === 'top' ? (last.last_s ?? 0) : undefined)}"`;
        continue;
      }
      const replyCursor =
        row.replies_more && row.replies_last_t !== null && row.replies_last_id !== null
          ? `"${encodeCursor(row.replies_last_t, row.replies_last_id)}"`
          : 'null';
      items.push(
        `${row.json.slice(0, -1)},"replies":{"items":${row.replies ?? '[]'},"nextCursor":${replyCursor}},"replyCount":${row.reply_count ?? 0}}`,
      );
    }
    return `{"article":${rows[0].article},"items":[${items.join(',')}],"nextCursor":${next}}`;
  }
}
