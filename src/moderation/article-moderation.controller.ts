import { Body, Controller, Get, Param, Patch } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth/auth-user.js';
import { CurrentUser, Roles } from '../common/auth/decorators.js';
import { Endpoint } from '../common/openapi/endpoint.decorator.js';
import { ArticleModerationService } from './article-moderation.service.js';
import { ArticleSettingsDto } from './dto/article-settings.dto.js';
import { ArticleCommentCountsDto, ArticleSettingsResponse } from './dto/moderation-response.dto.js';

/** Per-article comment counts and comment settings. Moderators may change settings too: they run the threads. */
@ApiTags('admin')
@Roles('moderator', 'admin')
@Controller('admin/articles')
export class ArticleModerationController {
  constructor(private readonly articles: ArticleModerationService) {}

  @Get(':slug/comment-counts')
  @Endpoint({
    operationId: 'getArticleCommentCounts',
    summary: "An article's comments per status",
    type: ArticleCommentCountsDto,
    errors: ['ARTICLE_NOT_FOUND'],
  })
  counts(@Param('slug') slug: string): Promise<ArticleCommentCountsDto> {
    return this.articles.counts(slug);
  }

  @Patch(':slug')
  @Endpoint({
    operationId: 'updateArticleSettings',
    summary: "Change an article's comment settings",
    description: 'Open or close comments, pre- or post-moderation, trusted bypass. Audited with the settings before and after.',
    type: ArticleSettingsResponse,
    errors: ['ARTICLE_NOT_FOUND'],
  })
  async update(
    @Param('slug') slug: string,
    @Body() dto: ArticleSettingsDto,
    @CurrentUser() user: AuthUser,
  ): Promise<ArticleSettingsResponse> {
    return { articleSettings: await this.articles.updateSettings(slug, dto, user.id) };
  }
}
