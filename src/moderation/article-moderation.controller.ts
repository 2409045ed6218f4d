import { Body, Controller, Get, Param, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth/auth-user.js';
import { CurrentUser, Roles } from '../common/auth/decorators.js';
import { ArticleModerationService } from './article-moderation.service.js';
import { ArticleSettingsDto } from './dto/article-settings.dto.js';

/** Per-article comment counts and comment settings. Moderators may change settings too: they run the threads. */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('moderator', 'admin')
@Controller('admin/articles')
export class ArticleModerationController {
  constructor(private readonly articles: ArticleModerationService) {}

  @Get(':slug/comment-counts')
  counts(@Param('slug') slug: string) {
    return this.articles.counts(slug);
  }

  @Patch(':slug')
  async update(@Param('slug') slug: string, @Body() dto: ArticleSettingsDto, @CurrentUser() user: AuthUser) {
    return { article: await this.articles.updateSettings(slug, dto, user.id) };
  }
}
