import { Injectable } from '@nestjs/common';
import { articleNotFound } from '../articles/articles.service.js';
import { AppError } from '../common/errors/app-error.js';
import { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { ArticleSettingsDto } from './dto/article-settings.dto.js';
import { ModerationQueueRepository } from './moderation-queue.repository.js';

const SLUG = /^[a-z0-9-]{1,120}$/;

const articleSettingsSelect = {
  id: true,
  slug: true,
  title: true,
  commentsOpen: true,
  moderationMode: true,
  trustedBypass: true,
  approvedCommentCount: true,
  updatedAt: true,
} satisfies Prisma.ArticleSelect;

type ArticleSettingsRow = Prisma.ArticleGetPayload<{ select: typeof articleSettingsSelect }>;

function toArticleSettingsView(a: ArticleSettingsRow) {
  return {
    id: a.id,
    slug: a.slug,
    title: a.title,
    commentsOpen: a.commentsOpen,
    moderation: a.moderationMode,
    trustedBypass: a.trustedBypass,
    commentCount: a.approvedCommentCount,
    updatedAt: a.updatedAt.toISOString(),
  };
}

/** Per-article moderation counts and settings (admin API). */
@Injectable()
export class ArticleModerationService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly queue: ModerationQueueRepository,
  ) {}

  /** `approved` counts visible comments only, so it equals the public count (the article's counter). */
  async counts(slug: string) {
    const article = SLUG.test(slug) ? await this.prisma.article.findUnique({ where: { slug }, select: { id: true } }) : null;
    if (!article) throw articleNotFound(slug);
    const c = await this.queue.counts(article.id);
    return { pending: c.pending, approved: c.approved, rejected: c.rejected, spam: c.spam, deleted: c.deleted };
  }

  /** Only the settings change: switching to post-moderation leaves already pending comments pending. */
  async updateSettings(slug: string, dto: ArticleSettingsDto) {
    if (dto.commentsOpen === undefined && dto.moderation === undefined && dto.trustedBypass === undefined) {
      throw AppError.badRequest('VALIDATION_FAILED', 'Request validation failed', [
        { field: 'body', message: 'send at least one of commentsOpen, moderation, trustedBypass' },
      ]);
    }
    if (!SLUG.test(slug)) throw articleNotFound(slug);
    try {
      const row = await this.prisma.article.update({
        where: { slug },
        data: { commentsOpen: dto.commentsOpen, moderationMode: dto.moderation, trustedBypass: dto.trustedBypass },
        select: articleSettingsSelect,
      });
      return toArticleSettingsView(row);
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2025') throw articleNotFound(slug);
      throw err;
    }
  }
}
