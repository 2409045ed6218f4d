import type { ModerationMode } from '../../src/generated/prisma/enums.js';
import type { TestApp } from '../helpers/app.js';

/**
 * Published long ago by default, so test articles never push others (the seed article, another file's) off the first
 * page of /api/articles.
 */
export const BACKDATED = new Date(Date.UTC(2000, 0, 1));

export interface ArticleOverrides {
  slug?: string;
  title?: string;
  language?: string;
  blocks?: object[];
  commentsOpen?: boolean;
  moderationMode?: ModerationMode;
  trustedBypass?: boolean;
  publishedAt?: Date;
}

export interface TestArticle {
  id: string;
  slug: string;
  title: string;
}

let seq = 0;

/** Inserts an article directly (the API has no public create for readers); a slug unique across parallel files. */
export async function createArticle(t: TestApp, overrides: ArticleOverrides = {}): Promise<TestArticle> {
  const n = ++seq;
  return t.prisma.article.create({
    data: {
      slug: `article-${process.pid}-${Date.now().toString(36)}-${n}`,
      title: `Статия ${n}`,
      blocks: [{ type: 'paragraph', text: 'x' }],
      publishedAt: BACKDATED,
      ...overrides,
    },
    select: { id: true, slug: true, title: true },
  });
}
