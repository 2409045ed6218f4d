import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { articleNotFound } from '../articles/articles.service.js';
import type { AuthUser } from '../common/auth/auth-user.js';
import { AllowBanned, CurrentUser, Public } from '../common/auth/decorators.js';
import { PAGE_CACHE, sendJson } from '../common/http-cache.js';
import { Endpoint } from '../common/openapi/endpoint.decorator.js';
import { ListThreadsQueryDto, ThreadPageDto } from './dto/threads.dto.js';
import { ThreadsService } from './threads.service.js';

@ApiTags('comments')
@Controller()
export class ThreadsController {
  constructor(private readonly threads: ThreadsService) {}

  @Public()
  @AllowBanned()
  @Get('articles/:slug/threads')
  @Endpoint({
    operationId: 'listThreads',
    summary: "An article's discussion, one page of threads",
    description:
      "Top-level comments (newest or oldest first, keyset-paginated), each with its first `replies` replies (the whole thread under it, oldest first) and `replyCount`; the article with its count. What the reader's widget draws first, in one request. Visibility as on `GET /api/articles/{slug}/comments`: approved comments, deleted ones as placeholders, and a signed-in reader's own pending ones (that page is `no-store`). More replies: `GET /api/articles/{slug}/comments?rootId={id}&sort=oldest&cursor={replies.nextCursor}`.",
    type: ThreadPageDto,
    errors: ['ARTICLE_NOT_FOUND'],
    cache: PAGE_CACHE,
  })
  async list(
    @Param('slug') slug: string,
    @Query() q: ListThreadsQueryDto,
    @Res() reply: FastifyReply,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<void> {
    const page = await this.threads.page(slug, { ...q, viewerId: viewer?.id });
    if (page === undefined) throw articleNotFound(slug);
    sendJson(reply, page);
  }
}
