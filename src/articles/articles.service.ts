import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { AppError } from '../common/errors/app-error.js';
import { decodeCursor } from '../common/pagination.js';
import { seedDir } from '../database/paths.js';
import { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { ReadPath } from '../read-path/read-path.service.js';
import { articleSelect, toArticleView } from './article.mapper.js';
import { normalizeArticleUrl } from './article-url.js';
import type { CreateArticleDto } from './dto/article.dto.js';
import type { ArticleDto } from './dto/article-response.dto.js';
import { isSlug, slugify } from './slugify.js';

export function articleNotFound(slug: string): AppError {
  return AppError.notFound('ARTICLE_NOT_FOUND', `No article with slug "${slug.slice(0, 120)}"`);
}

@Injectable()
export class ArticlesService {
  private readonly logger = new Logger(ArticlesService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly reads: ReadPath,
  ) {}

  /** `{ items, nextCursor }` as JSON text, newest first (read path). */
  list(limit: number, cursor?: string): Promise<string> {
    return this.reads.articlePage(limit, decodeCursor(cursor));
  }

  /** `{ article }` as JSON text (read path). */
  async getBySlug(slug: string): Promise<string> {
    const json = isSlug(slug) ? await this.reads.article(slug) : undefined;
    if (json === undefined) throw articleNotFound(slug);
    return json;
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
