import { Injectable } from '@nestjs/common';
import { type ArticleSettingsRow, changeCommentSettings } from '../articles/article-settings.js';
import { articleNotFound } from '../articles/articles.service.js';
import { AppError } from '../common/errors/app-error.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { ArticleSettingsDto } from './dto/article-settings.dto.js';
import type { ArticleCommentCountsDto, ArticleSettingsViewDto } from './dto/moderation-response.dto.js';
import { ModerationQueueRepository } from './moderation-queue.repository.js';
import { isSlug } from '../common/validation/slug.js';
import { appendAudit } from '../audit/audit-log.js';
import { Prisma } from '../generated/prisma/client.js';
import type { TriageOverridesDto } from '../triage/triage.dto.js';
import { OVERRIDABLE_SECTIONS } from '../triage/triage-rules.js';
import { TriageService } from '../triage/triage.service.js';

/** The sections given, as saved; none: no overrides (NULL). */
function overridesJson(dto: TriageOverridesDto): Prisma.InputJsonValue | typeof Prisma.DbNull {
  const sections = Object.fromEntries(OVERRIDABLE_SECTIONS.filter((k) => dto[k] !== undefined).map((k) => [k, { ...dto[k] }]));
  return Object.keys(sections).length ? sections : Prisma.DbNull;
}

function toArticleSettingsView(a: ArticleSettingsRow): ArticleSettingsViewDto {
  return {
    id: a.id,
    slug: a.slug,
    title: a.title,
    commentsOpen: a.commentsOpen,
    moderation: a.moderationMode,
    trustedBypass: a.trustedBypass,
    commentCount: a.approvedCommentCount,
    triage: (a.triageOverrides ?? {}) as TriageOverridesDto,
    updatedAt: a.updatedAt.toISOString(),
  };
}

/** Per-article moderation counts and settings (admin API). */
@Injectable()
export class ArticleModerationService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly queue: ModerationQueueRepository,
    private readonly triage: TriageService,
  ) {}

  /** `approved` counts visible comments only, so it equals the public count (the article's counter). */
  async counts(slug: string): Promise<ArticleCommentCountsDto> {
    const article = isSlug(slug) ? await this.prisma.article.findUnique({ where: { slug }, select: { id: true } }) : null;
    if (!article) throw articleNotFound(slug);
    const { oldestPendingAt: _at, oldestPendingAgeSeconds: _age, ...counts } = await this.queue.counts(article.id);
    return { slug, counts };
  }

  /**
   * Only the settings change: switching to post-moderation leaves already pending comments pending. The change and
   * its audit row (who, when, the settings before and after, the reason) commit together.
   */
  async updateSettings(slug: string, dto: ArticleSettingsDto, moderatorId: string): Promise<ArticleSettingsViewDto> {
    if (dto.commentsOpen === undefined && dto.moderation === undefined && dto.trustedBypass === undefined && dto.triage === undefined) {
      throw AppError.badRequest('VALIDATION_FAILED', 'Request validation failed', [
        { field: 'body', message: 'send at least one of commentsOpen, moderation, trustedBypass, triage' },
      ]);
    }
    if (!isSlug(slug)) throw articleNotFound(slug);
    const updated = await this.prisma.transaction(async (tx) => {
      const changed = await changeCommentSettings(tx, slug, {
        commentsOpen: dto.commentsOpen,
        moderationMode: dto.moderation,
        trustedBypass: dto.trustedBypass,
        triageOverrides: dto.triage === undefined ? undefined : overridesJson(dto.triage),
      });
      if (!changed) throw articleNotFound(slug);
      const { before, after: row } = changed;
      await appendAudit(tx, {
        action: 'article_settings',
        actorId: moderatorId,
        articleId: row.id,
        reason: dto.reason ?? null,
        details: {
          from: before,
          to: {
            commentsOpen: row.commentsOpen,
            moderation: row.moderationMode,
            trustedBypass: row.trustedBypass,
            triage: row.triageOverrides ?? {},
          },
        },
      });
      return row;
    });
    if (dto.triage !== undefined) this.triage.noteOverrides(updated.triageOverrides);
    return toArticleSettingsView(updated);
  }
}
