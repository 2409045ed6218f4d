import type { Prisma } from '../generated/prisma/client.js';
import type { ArticleBlockView, ArticleDto } from './dto/article-response.dto.js';

export const articleSelect = {
  id: true,
  slug: true,
  title: true,
  language: true,
  blocks: true,
  url: true,
  externalId: true,
  commentsOpen: true,
  moderationMode: true,
  approvedCommentCount: true,
  publishedAt: true,
  updatedAt: true,
} satisfies Prisma.ArticleSelect;

type ArticleRow = Prisma.ArticleGetPayload<{ select: typeof articleSelect }>;

export function toArticleView(a: ArticleRow): ArticleDto {
  return {
    id: a.id,
    slug: a.slug,
    title: a.title,
    language: a.language,
    blocks: a.blocks as unknown as ArticleBlockView[],
    commentCount: a.approvedCommentCount,
    commentsOpen: a.commentsOpen,
    moderation: a.moderationMode,
    publishedAt: a.publishedAt.toISOString(),
    url: a.url,
    externalId: a.externalId,
    updatedAt: a.updatedAt.toISOString(),
  };
}
