import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ArticlesService } from '../../articles/articles.service.js';
import { isSlug } from '../../common/validation/slug.js';
import type { ArticleDto, ArticleSummaryDto } from '../../articles/dto/article-response.dto.js';
import { AppError } from '../../common/errors/app-error.js';
import { AppConfig } from '../../config/app-config.js';
import { ThreadsService } from '../../threads/threads.service.js';
import type { WebAssets } from '../web-assets.js';
import { articlePage, homePage, messagePage, type PageAssets, type ThreadPageView } from './article-page.js';
import { htmlHeaders } from './html.js';

/** The reader pages change with every approved comment: caches may keep them briefly, then revalidate. */
const PAGE_CACHE_CONTROL = 'public, max-age=10, stale-while-revalidate=60';
/** What the article page renders of the discussion: the widget's first page, the same request it would make. */
const FIRST_PAGE = { sort: 'newest', limit: 20, replies: 3 } as const;

/**
 * `GET /` and `GET /articles/:slug` (registered by WebRoutes): the service's own reader pages. Public data only
 * (what the public API serves to anonymous callers); any query parameter is accepted (links carry utm_*, fbclid…).
 */
@Injectable()
export class ReaderPages {
  constructor(
    private readonly articles: ArticlesService,
    private readonly threads: ThreadsService,
    private readonly config: AppConfig,
  ) {}

  private assets(web: WebAssets): PageAssets | undefined {
    const loader = web.get('embed/v1/comments.js');
    const count = web.get('embed/v1/count.js');
    const css = web.entry('embed/v1/assets/', 'article', '.css');
    return loader && count && css ? { loader, count, css } : undefined;
  }

  private send(reply: FastifyReply, html: string, status = 200): FastifyReply {
    return reply
      .code(status)
      .headers(htmlHeaders({ frameAncestors: "'self'" }))
      .header('cache-control', status === 200 ? PAGE_CACHE_CONTROL : 'no-store')
      .send(html);
  }

  async home(req: FastifyRequest, reply: FastifyReply, web: WebAssets): Promise<FastifyReply | undefined> {
    const assets = this.assets(web);
    if (!assets) return undefined;
    const cursor = (req.query as Record<string, unknown> | undefined)?.cursor;
    let page: { items: ArticleSummaryDto[]; nextCursor: string | null };
    try {
      page = JSON.parse(await this.articles.list(50, typeof cursor === 'string' ? cursor : undefined)) as typeof page;
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'INVALID_CURSOR')) throw err;
      return this.send(
        reply,
        messagePage({ title: 'Няма такава страница', message: 'Връзката към тази страница не е вярна.', assets }),
        400,
      );
    }
    return this.send(reply, homePage({ ...page, assets, publicUrl: this.config.get('PUBLIC_URL') }));
  }

  async article(slug: string, reply: FastifyReply, web: WebAssets): Promise<FastifyReply | undefined> {
    const assets = this.assets(web);
    if (!assets) return undefined;
    const notFound = () =>
      this.send(reply, messagePage({ title: 'Няма такава статия', message: 'Статията не съществува или е премахната.', assets }), 404);
    if (!isSlug(slug)) return notFound();
    let article: ArticleDto;
    try {
      article = (JSON.parse(await this.articles.getBySlug(slug)) as { article: ArticleDto }).article;
    } catch (err) {
      if (err instanceof AppError && err.code === 'ARTICLE_NOT_FOUND') return notFound();
      throw err;
    }
    const threadsJson = await this.threads.page(slug, FIRST_PAGE);
    if (threadsJson === undefined) return notFound();
    const threads = JSON.parse(threadsJson) as ThreadPageView;
    return this.send(reply, articlePage({ article, threads, threadsJson, assets, publicUrl: this.config.get('PUBLIC_URL') }));
  }
}
