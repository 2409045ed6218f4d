import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/auth/decorators.js';
import { Endpoint } from '../common/openapi/endpoint.decorator.js';
import type { Page } from '../common/openapi/page.dto.js';
import type { AdminUserDto } from '../users/dto/user.dto.js';
import { type AdminArticleDto, AdminArticlePage, AdminUserPage, ArticleListQueryDto, UserListQueryDto } from './admin-lists.dto.js';
import { AdminListsService } from './admin-lists.service.js';

/** What the console lists: accounts (to find one, see the staff, change roles) and articles (their settings). */
@ApiTags('admin')
@Roles('moderator', 'admin')
@Controller('admin')
export class AdminListsController {
  constructor(private readonly lists: AdminListsService) {}

  @Get('users')
  @Endpoint({
    operationId: 'listUsers',
    summary: 'Accounts, newest first',
    description: 'Find an account by the start of its username or its whole email; `role` lists the staff. Erased accounts are not listed.',
    type: AdminUserPage,
  })
  users(@Query() q: UserListQueryDto): Promise<Page<AdminUserDto>> {
    return this.lists.users(q);
  }

  @Get('articles')
  @Endpoint({
    operationId: 'listAdminArticles',
    summary: 'Articles with their comment settings, newest first',
    description: 'Each with its settings (PATCH /api/admin/articles/{slug}) and the comments pending on it; `q` searches titles and slugs.',
    type: AdminArticlePage,
  })
  articles(@Query() q: ArticleListQueryDto): Promise<Page<AdminArticleDto>> {
    return this.lists.articles(q);
  }
}
