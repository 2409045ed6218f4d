import { Injectable } from '@nestjs/common';
import { isSlug } from '../common/validation/slug.js';
import { ArticlesService } from '../articles/articles.service.js';

/**
 * The hottest reads: every article page and listing page asks for counts. They come from the counter column
 * (kept exact inside the same transaction as every visibility change, comment-core/comment-state.ts) through the
 * prepared statements of articles/articles.sql.ts.
 */
@Injectable()
export class CommentCountsService {
  constructor(private readonly articles: ArticlesService) {}

  /** Approved, not deleted comments on one article; undefined when the slug is unknown. */
  forSlug(slug: string): Promise<number | undefined> {
    return isSlug(slug) ? this.articles.commentCount(slug) : Promise.resolve(undefined);
  }

  /** Every requested slug is in `counts`; unknown ones count 0 and are also listed in `unknown`. */
  async forSlugs(slugs: string[]): Promise<{ counts: Record<string, number>; unknown: string[] }> {
    const found = await this.articles.commentCounts(slugs);
    // Keyed by client input: without a prototype, so a slug such as `__proto__` is an ordinary key.
    const counts = Object.create(null) as Record<string, number>;
    const unknown: string[] = [];
    for (const slug of slugs) {
      const c = found.get(slug);
      counts[slug] = c ?? 0;
      if (c === undefined) unknown.push(slug);
    }
    return { counts, unknown };
  }
}
