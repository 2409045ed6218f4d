import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma/prisma.service.js';

/**
 * The hot read path: every article page and listing page asks for counts. They come from the counter column
 * (kept exact inside the same transaction as every status change) through the raw pg pool, skipping Prisma's
 * per-query overhead.
 */
@Injectable()
export class CommentCountsService {
  constructor(private readonly prisma: PrismaService) {}

  /** Approved, not deleted comments on one article; undefined when the slug is unknown. */
  async forSlug(slug: string): Promise<number | undefined> {
    const { rows } = await this.prisma.pool.query<{ c: number }>({
      name: 'count-one',
      text: 'SELECT approved_comment_count AS c FROM articles WHERE slug = $1',
      values: [slug],
    });
    return rows[0]?.c;
  }

  /** Counts for many slugs in one query; slugs that do not exist are absent from the map. */
  async forSlugs(slugs: string[]): Promise<Map<string, number>> {
    if (!slugs.length) return new Map();
    const { rows } = await this.prisma.pool.query<{ slug: string; c: number }>({
      name: 'count-many',
      text: 'SELECT slug, approved_comment_count AS c FROM articles WHERE slug = ANY($1::text[])',
      values: [slugs],
    });
    return new Map(rows.map((r) => [r.slug, r.c]));
  }
}
