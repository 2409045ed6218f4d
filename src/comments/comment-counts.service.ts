import { Injectable } from '@nestjs/common';
import { isSlug } from '../common/validation/slug.js';
import { ReadPath } from '../read-path/read-path.service.js';

/**
 * The hottest reads: every article page and listing page asks for counts. They come from the counter column
 * (kept exact inside the same transaction as every visibility change, comment-state.ts) through the read path's
 * prepared statements.
 */
@Injectable()
export class CommentCountsService {
  constructor(private readonly reads: ReadPath) {}

  /** Approved, not deleted comments on one article; undefined when the slug is unknown. */
  forSlug(slug: string): Promise<number | undefined> {
    return isSlug(slug) ? this.reads.count(slug) : Promise.resolve(undefined);
  }

  /** Every requested slug is in `counts`; unknown ones count 0 and are also listed in `unknown`. */
  async forSlugs(slugs: string[]): Promise<{ counts: Record<string, number>; unknown: string[] }> {
    const found = await this.reads.counts(slugs);
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
