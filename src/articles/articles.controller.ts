import { Body, Controller, Get, Headers, Param, Post, Query, Res } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public, Roles } from '../common/auth/decorators.js';
import { PAGE_CACHE, sendJson } from '../common/http-cache.js';
import { Endpoint } from '../common/openapi/endpoint.decorator.js';
import { RateLimit } from '../common/rate-limit/rate-limit.decorator.js';
import { ArticleLookupService } from './article-lookup.service.js';
import { ArticlesService } from './articles.service.js';
import { CreateArticleDto } from './dto/article.dto.js';
import { ListArticlesQueryDto, ResolveArticleDto } from './dto/article-lookup.dto.js';
import { ArticlePage, ArticleResponse, ArticleSummaryResponse } from './dto/article-response.dto.js';

@ApiTags('articles')
@Controller('articles')
export class ArticlesController {
  constructor(
    private readonly articles: ArticlesService,
    private readonly lookup: ArticleLookupService,
  ) {}

  @Public()
  @Get()
  @Endpoint({
    operationId: 'listArticles',
    summary: 'List articles, newest first',
    description:
      "With `url` or `externalId`: the one article a news site's page names that way (an empty page when there is none), as the reader's widget looks it up.",
    type: ArticlePage,
    cache: PAGE_CACHE,
  })
  async list(@Query() q: ListArticlesQueryDto, @Res() reply: FastifyReply): Promise<void> {
    if (q.url !== undefined || q.externalId !== undefined) {
      void reply.send({ items: await this.lookup.find(q), nextCursor: null });
      return;
    }
    // An ArticlePage as JSON text from the read path.
    sendJson(reply, await this.articles.list(q.limit, q.cursor));
  }

  @Public({ identify: false })
  @RateLimit({ name: 'article-resolve-ip', limit: 60, windowSeconds: 60, per: 'ip' })
  @Post('resolve')
  @ApiResponse({
    status: 200,
    description: 'The article exists (by slug, externalId or url): nothing was created.',
    type: ArticleSummaryResponse,
  })
  @Endpoint({
    operationId: 'resolveArticle',
    summary: 'The article a news site page names, created on first load when allowed',
    description:
      "Finds the article by slug, then externalId, then url (200). Otherwise, with ARTICLE_AUTO_CREATE, a page on an origin of CORS_ORIGINS whose url's host is in ARTICLE_AUTO_CREATE_HOSTS creates a stub: the title and URL, no text (201). Anything else is 404 ARTICLE_NOT_FOUND, the message saying why nothing was created. The widget calls it only when `GET /api/articles?url=` (cacheable) found nothing.",
    status: 201,
    type: ArticleSummaryResponse,
    errors: ['ARTICLE_NOT_FOUND', 'SLUG_TAKEN'],
    location: (body: ArticleSummaryResponse) => `/api/articles/${body.article.slug}`,
  })
  async resolve(
    @Body() dto: ResolveArticleDto,
    @Headers('origin') origin: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ArticleSummaryResponse> {
    const { article, created } = await this.lookup.resolve(dto, origin);
    // Found: 200 (the Location of a 201 is set by @Endpoint either way and names the article).
    if (!created) void reply.code(200);
    return { article };
  }

  @Public()
  @Get(':slug')
  @Endpoint({
    operationId: 'getArticle',
    summary: 'Read an article',
    type: ArticleResponse,
    errors: ['ARTICLE_NOT_FOUND'],
    cache: PAGE_CACHE,
  })
  async get(@Param('slug') slug: string, @Res() reply: FastifyReply): Promise<void> {
    // An ArticleResponse as JSON text from the read path.
    sendJson(reply, await this.articles.getBySlug(slug));
  }
}

@ApiTags('admin')
@Controller('admin/articles')
export class AdminArticlesController {
  constructor(private readonly articles: ArticlesService) {}

  @Roles('admin')
  @Post()
  @Endpoint({
    operationId: 'createArticle',
    summary: 'Publish an article',
    description: 'The slug defaults to the title transliterated with the Bulgarian Streamlined System.',
    status: 201,
    type: ArticleResponse,
    errors: ['INVALID_SLUG', 'SLUG_TAKEN', 'CONFLICT'],
    location: (body: ArticleResponse) => `/api/articles/${body.article.slug}`,
  })
  async create(@Body() dto: CreateArticleDto): Promise<ArticleResponse> {
    return { article: await this.articles.create(dto) };
  }
}
