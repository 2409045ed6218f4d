import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { AppError } from '../common/errors/app-error.js';
import { decodeCursor } from '../common/pagination.js';
import { FIRST_PAGE_KEY, pageJson } from '../database/json-pages.js';
import { seedDir } from '../database/paths.js';
import { one, run } from '../database/sql.js';
import { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { articleSelect, toArticleView } from './article.mapper.js';
import { normalizeArticleUrl } from './article-url.js';
import { ARTICLE, ARTICLE_PAGE, COUNT_MANY, COUNT_ONE, STREAM_ARTICLES } from './articles.sql.js';
import type { CreateArticleDto } from './dto/article.dto.js';
import type { ArticleDto } from './dto/article-response.dto.js';
import { isSlug } from '../common/validation/slug.js';
import { slugify } from './slugify.js';

export function articleNotFound(slug: string): AppError {
  return AppError.notFound('ARTICLE_NOT_FOUND', `No article with slug "${slug.slice(0, 120)}"`);
}

@Injectable()
export class ArticlesService {
  private readonly logger = new Logger(ArticlesService.name);

  constructor(private readonly prisma: PrismaService) {}

  /** `{ items, nextCursor }` as JSON text, newest first (a prepared statement on the pool, like every read here). */
  async list(limit: number, cursor?: string): Promise<string> {
    const after = decodeCursor(cursor);
    const key = after ? { t: after.t.toISOString(), id: after.id } : FIRST_PAGE_KEY.desc;
    return pageJson((await one(this.prisma.pool, ARTICLE_PAGE, [key.t, key.id, limit]))!);
  }

  /** `{ article }` as JSON text. */
  async getBySlug(slug: string): Promise<string> {
    const json = isSlug(slug) ? (await one(this.prisma.pool, ARTICLE, [slug]))?.json : undefined;
    if (json === undefined) throw articleNotFound(slug);
    return json;
  }

  /** Approved, not deleted comments on one article (the counter); undefined when the slug is unknown. */
  async commentCount(slug: string): Promise<number | undefined> {
    return (await one(this.prisma.pool, COUNT_ONE, [slug]))?.c;
  }

  /** Counts for many slugs in one query; slugs that do not exist are absent from the map. */
  async commentCounts(slugs: string[]): Promise<Map<string, number>> {
    if (!slugs.length) return new Map();
    return new Map((await run(this.prisma.pool, COUNT_MANY, [slugs])).map((r) => [r.slug, r.c]));
  }

  /** The known articles among `slugs`, with id and count (live-update streams). */
  streamArticles(slugs: string[]): Promise<{ id: string; slug: string; count: number }[]> {
    return run(this.prisma.pool, STREAM_ARTICLES, [slugs]);
  }

  async create(dto: CreateArticleDto): Promise<ArticleDto> {
    const slug = dto.slug ?? slugify(dto.title);
    if (!slug)
      throw AppError.badRequest('INVALID_SLUG', 'Cannot derive a slug from this title; send one', [
        { field: 'slug', message: 'slug is required for this title' },
      ]);
    const url = dto.url === undefined ? undefined : normalizeArticleUrl(dto.url);
    if (dto.url !== undefined && url === undefined) {
      throw AppError.badRequest('VALIDATION_FAILED', 'The url is not an http(s) address', [
        { field: 'url', message: 'url must be an absolute http(s) URL without credentials' },
      ]);
    }
    if (url !== undefined || dto.externalId !== undefined) {
      const taken = await this.prisma.article.findFirst({
        where: { OR: [...(url !== undefined ? [{ url }] : []), ...(dto.externalId !== undefined ? [{ externalId: dto.externalId }] : [])] },
        select: { slug: true, url: true },
      });
      if (taken) {
        const field = url !== undefined && taken.url === url ? 'url' : 'externalId';
        throw AppError.conflict('CONFLICT', `The article "${taken.slug}" already has this ${field}`, [
          { field, message: `${field} is taken` },
        ]);
      }
    }
    try {
      const row = await this.prisma.article.create({
        data: {
          slug,
          title: dto.title,
          language: dto.language ?? 'bg',
          blocks: dto.blocks.map((b) => ({ type: b.type, text: b.text })),
          url,
          externalId: dto.externalId,
        },
        select: articleSelect,
      });
      return toArticleView(row);
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
        throw AppError.conflict('SLUG_TAKEN', `An article with slug "${slug}" already exists`);
      }
      throw err;
    }
  }

  /** Inserts the bundled seed article unless its slug exists. Safe to run on every start. */
  async seed(): Promise<boolean> {
    const raw = JSON.parse(await readFile(join(seedDir, 'article.json'), 'utf8')) as {
      title: string;
      slug: string;
      language: string;
      blocks: { type: string; text: string }[];
    };
    const { count } = await this.prisma.article.createMany({
      data: [{ slug: raw.slug, title: raw.title, language: raw.language, blocks: raw.blocks }],
      skipDuplicates: true,
    });
    if (count) this.logger.log(`seeded article ${raw.slug}`);
    return count === 1;
  }
}
