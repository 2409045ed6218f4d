import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth/auth-user.js';
import { CurrentUser, Roles } from '../common/auth/decorators.js';
import { Endpoint } from '../common/openapi/endpoint.decorator.js';
import type { Page } from '../common/openapi/page.dto.js';
import { WordFilterPage, WordFilterResponse } from './dto/moderation-response.dto.js';
import type { WordFilterDto } from '../word-filter/word-filter.dto.js';
import { UuidParams } from '../common/validation/id-param.dto.js';
import { CreateWordFilterDto, WordFilterListQueryDto } from './dto/word-filter.dto.js';
import { WordFilterService } from '../word-filter/word-filter.service.js';

export class WordFilterIdParam extends UuidParams('wordFilterId') {}

@ApiTags('admin')
@Roles('moderator', 'admin')
@Controller('admin/word-filters')
export class WordFiltersController {
  constructor(private readonly filters: WordFilterService) {}

  @Get()
  @Endpoint({ operationId: 'listWordFilters', summary: 'Banned and suspect words, newest first', type: WordFilterPage })
  list(@Query() q: WordFilterListQueryDto): Promise<Page<WordFilterDto>> {
    return this.filters.list(q);
  }

  @Get(':wordFilterId')
  @Endpoint({ operationId: 'getWordFilter', summary: 'One word-filter entry', type: WordFilterResponse, errors: ['WORD_FILTER_NOT_FOUND'] })
  async get(@Param() { wordFilterId }: WordFilterIdParam): Promise<WordFilterResponse> {
    return { filter: await this.filters.get(wordFilterId) };
  }

  /** The lists are admin-managed: moderators apply them (and see them), admins change them. */
  @Roles('admin')
  @Post()
  @Endpoint({
    operationId: 'createWordFilter',
    summary: 'Add a banned or suspect word',
    description:
      'Matching ignores case, Unicode variants, Latin look-alikes of Cyrillic letters and repeated letters; a trailing * matches every word starting with it.',
    status: 201,
    type: WordFilterResponse,
    errors: ['INVALID_WORD', 'WORD_FILTER_EXISTS'],
    location: (body: WordFilterResponse) => `/api/admin/word-filters/${body.filter.id}`,
  })
  async create(@Body() dto: CreateWordFilterDto, @CurrentUser() user: AuthUser): Promise<WordFilterResponse> {
    return { filter: await this.filters.create(user.id, dto.word, dto.kind) };
  }

  @Roles('admin')
  @Delete(':wordFilterId')
  @Endpoint({ operationId: 'deleteWordFilter', summary: 'Remove a word-filter entry', status: 204, errors: ['WORD_FILTER_NOT_FOUND'] })
  async remove(@Param() { wordFilterId }: WordFilterIdParam, @CurrentUser() user: AuthUser): Promise<void> {
    await this.filters.remove(user.id, wordFilterId);
  }
}
