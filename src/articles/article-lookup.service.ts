import { Injectable, Logger } from '@nestjs/common';
import { AppError } from '../common/errors/app-error.js';
import { AppConfig } from '../config/app-config.js';
import { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { normalizeArticleUrl } from './article-url.js';
import type { ResolveArticleDto } from './dto/article-lookup.dto.js';
import type { ArticleSummaryDto } from './dto/article-response.dto.js';
import { slugify } from './slugify.js';

const summarySelect = {
  id: true,
  slug: true,
  title: true,
  language: true,
  approvedCommentCount: true,
  commentsOpen: true,
  publishedAt: true,
  url: true,
  externalId: true,
} satisfies Prisma.ArticleSelect;

type SummaryRow = Prisma.ArticleGetPayload<{ select: typeof summarySelect }>;

const toSummary = (a: SummaryRow): ArticleSummaryDto => ({
  id: a.id,
  slug: a.slug,
  title: a.title,
  language: a.language,
  commentCount: a.approvedCommentCount,
  commentsOpen: a.commentsOpen,
  publishedAt: a.publishedAt.toISOString(),
  url: a.url,
  externalId: a.externalId,
});

/** Invisible and control characters never belong in a title a page hands over. */
const cleanTitle = (title: string) =>
  title
    .replace(/[\p{Cc}\p{Cf}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/**
 * Articles a news site names from its own pages: by slug, by its own id (`externalId`, e.g. its CMS id) or by
 * canonical URL. With ARTICLE_AUTO_CREATE a page's first load creates a stub (title, URL, no blocks), so the site
 * adds comments to any article without publishing it here first; only pages on an origin of CORS_ORIGINS, for
 * URLs whose host is in ARTICLE_AUTO_CREATE_HOSTS, may create one.
 */
@Injectable()
export class ArticleLookupService {
  private readonly logger = new Logger(ArticleLookupService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
  ) {}

  /** The one article with this external id or canonical URL (both given: it must match both), as a page. */
  async find(filter: { url?: string; externalId?: string }): Promise<ArticleSummaryDto[]> {
    const url = filter.url === undefined ? undefined : normalizeArticleUrl(filter.url);
    if (filter.url !== undefined && url === undefined) return [];
    const row = await this.prisma.article.findFirst({ where: { url, externalId: filter.externalId }, select: summarySelect });
    return row ? [toSummary(row)] : [];
  }

  /**
   * The article a page names, or a stub created for it. `created` tells which. A name that finds nothing and may
   * not create is ARTICLE_NOT_FOUND, with the reason (for the site's web team) in the message.
   */
  async resolve(dto: ResolveArticleDto, origin: string | undefined): Promise<{ article: ArticleSummaryDto; created: boolean }> {
    if (dto.slug === undefined && dto.externalId === undefined && dto.url === undefined) {
      throw AppError.badRequest('VALIDATION_FAILED', 'Name the article by slug, externalId or url', [
        { field: 'url', message: 'one of slug, externalId or url is required' },
      ]);
    }
    const url = dto.url === undefined ? undefined : normalizeArticleUrl(dto.url);
    if (dto.url !== undefined && url === undefined) {
      throw AppError.badRequest('VALIDATION_FAILED', 'The url is not an http(s) address', [
        { field: 'url', message: 'url must be an absolute http(s) URL without credentials' },
      ]);
    }
    const existing = await this.existing(dto.slug, dto.externalId, url);
    if (existing) return { article: existing, created: false };
    const refusal = this.refusal(url, origin, dto.title);
    if (refusal) throw AppError.notFound('ARTICLE_NOT_FOUND', `No such article, and it is not created here: ${refusal}`);
    return this.createStub({
      slug: dto.slug,
      externalId: dto.externalId,
      url: url!,
      title: cleanTitle(dto.title!),
      language: dto.language,
    });
  }

  /** By slug first, then external id, then URL: what the page named most precisely wins. */
  private async existing(slug?: string, externalId?: string, url?: string): Promise<ArticleSummaryDto | undefined> {
    const or: Prisma.ArticleWhereInput[] = [];
    if (slug !== undefined) or.push({ slug });
    if (externalId !== undefined) or.push({ externalId });
    if (url !== undefined) or.push({ url });
    const rows = await this.prisma.article.findMany({ where: { OR: or }, select: summarySelect, take: 3 });
    const row =
      rows.find((r) => slug !== undefined && r.slug === slug) ??
      rows.find((r) => externalId !== undefined && r.externalId === externalId) ??
      rows.find((r) => url !== undefined && r.url === url);
    return row && toSummary(row);
  }

  /** Why this page may not create a stub, or undefined when it may. */
  private refusal(url: string | undefined, origin: string | undefined, title: string | undefined): string | undefined {
    if (!this.config.get('ARTICLE_AUTO_CREATE')) return 'creating articles on first load is off (ARTICLE_AUTO_CREATE)';
    if (!origin || !this.config.get('CORS_ORIGINS').includes(origin)) return `the page's origin is not one of CORS_ORIGINS`;
    if (url === undefined) return 'a new article needs its url';
    const host = new URL(url).hostname;
    if (!this.config.get('ARTICLE_AUTO_CREATE_HOSTS').includes(host)) return `${host} is not one of ARTICLE_AUTO_CREATE_HOSTS`;
    if (title === undefined || !cleanTitle(title)) return 'a new article needs its title';
    return undefined;
  }

  private async createStub(stub: {
    slug?: string;
    externalId?: string;
    url: string;
    title: string;
    language?: string;
  }): Promise<{ article: ArticleSummaryDto; created: boolean }> {
    const base = stub.slug ?? (slugify(stub.title) || slugify(new URL(stub.url).pathname) || 'article');
    for (let attempt = 0; attempt < 20; attempt++) {
      // A derived slug that is taken gets a number (`-2`, `-3`…); after that, a random suffix.
      const suffix = attempt === 0 ? '' : attempt < 10 ? `-${attempt + 1}` : `-${Math.random().toString(36).slice(2, 8)}`;
      const slug = `${base.slice(0, 120 - suffix.length).replace(/-+$/, '')}${suffix}`;
      try {
        const row = await this.prisma.article.create({
          data: { slug, title: stub.title, language: stub.language ?? 'bg', blocks: [], url: stub.url, externalId: stub.externalId },
          select: summarySelect,
        });
        this.logger.log({ msg: 'stub article created', slug, url: stub.url });
        return { article: toSummary(row), created: true };
      } catch (err) {
        if (!(err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002')) throw err;
        // Another page created it a moment ago (same URL or external id), or only the slug is taken.
        const raced = await this.existing(undefined, stub.externalId, stub.url);
        if (raced) return { article: raced, created: false };
      }
    }
    throw AppError.conflict('SLUG_TAKEN', `No free slug for "${base}"`);
  }
}
