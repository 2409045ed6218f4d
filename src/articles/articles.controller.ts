import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Public, Roles } from '../common/auth/decorators.js';
import { PageQueryDto } from '../common/pagination.js';
import { ArticlesService } from './articles.service.js';
import { CreateArticleDto } from './dto/article.dto.js';

@ApiTags('articles')
@Controller('articles')
export class ArticlesController {
  constructor(private readonly articles: ArticlesService) {}

  @Public()
  @Get()
  list(@Query() q: PageQueryDto) {
    return this.articles.list(q.limit, q.cursor);
  }

  @Public()
  @Get(':slug')
  async get(@Param('slug') slug: string) {
    return { article: await this.articles.getBySlug(slug) };
  }
}

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/articles')
export class AdminArticlesController {
  constructor(private readonly articles: ArticlesService) {}

  @Roles('admin')
  @Post()
  async create(@Body() dto: CreateArticleDto) {
    return { article: await this.articles.create(dto) };
  }
}
