import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth/auth-user.js';
import { CurrentUser, Roles } from '../common/auth/decorators.js';
import { IdParamDto } from './dto/queue.dto.js';
import { CreateWordFilterDto, WordFilterListQueryDto } from './dto/word-filter.dto.js';
import { WordFilterService } from './word-filter.service.js';

@ApiTags('admin')
@ApiBearerAuth()
@Roles('moderator', 'admin')
@Controller('admin/word-filters')
export class WordFiltersController {
  constructor(private readonly filters: WordFilterService) {}

  @Get()
  list(@Query() q: WordFilterListQueryDto) {
    return this.filters.list(q);
  }

  /** The lists are admin-managed: moderators apply them (and see them), admins change them. */
  @Roles('admin')
  @Post()
  async create(@Body() dto: CreateWordFilterDto, @CurrentUser() user: AuthUser) {
    return { filter: await this.filters.create(user.id, dto.word, dto.kind) };
  }

  @Roles('admin')
  @Delete(':id')
  @HttpCode(204)
  async remove(@Param() { id }: IdParamDto, @CurrentUser() user: AuthUser): Promise<void> {
    await this.filters.remove(user.id, id);
  }
}
