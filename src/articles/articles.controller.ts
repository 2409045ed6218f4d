import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public, Roles } from '../common/auth/decorators.js';
import { PAGE_CACHE, sendJson } from '../common/http-cache.js';
import { Endpoint } from '../common/openapi/endpoint.decorator.js';
import { PageQueryDto } from '../common/pagination.js';
import { ArticlesService } from './articles.service.js';
import { CreateArticleDto } from './dto/article.dto.js';
import { ArticlePage, ArticleResponse } from './dto/article-response.dto.js';

@ApiTags('articles')
@Controller('articles')
export class ArticlesController {
  constructor(private readonly articles: ArticlesService) {}

  @Public()
  @Get()
  @Endpoint({ operationId: 'listArticles', summary: 'List articles, newest first', type: ArticlePage, cache: PAGE_CACHE })
  async list(@Query() q: PageQueryDto, @Res() reply: FastifyReply): Promise<void> {
    // An ArticlePage as JSON text from the read path.
    sendJson(reply, await this.articles.list(q.limit, q.cursor));
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
    errors: ['INVALID_SLUG', 'SLUG_TAKEN'],
    location: (body: ArticleResponse) => `/api/articles/${body.article.slug}`,
  })
  async create(@Body() dto: CreateArticleDto): Promise<ArticleResponse> {
    return { article: await this.articles.create(dto) };
  }
}
