import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth/auth-user.js';
import { CurrentUser, Roles } from '../common/auth/decorators.js';
import { Endpoint } from '../common/openapi/endpoint.decorator.js';
import type { Page } from '../common/openapi/page.dto.js';
import { BulkDecisionDto, DecisionDto } from './dto/decision.dto.js';
import { AdminCommentResponse, BulkResultDto, QueuePage, type QueueItemDto, QueueSummaryDto } from './dto/moderation-response.dto.js';
import { CommentIdParam } from '../comments/dto/comment-id.dto.js';
import { QueueQueryDto } from './dto/queue.dto.js';
import { ModerationService } from './moderation.service.js';

/** The moderation queue and decisions on comments. */
@ApiTags('admin')
@Roles('moderator', 'admin')
@Controller('admin')
export class ModerationController {
  constructor(private readonly moderation: ModerationService) {}

  @Get('comments')
  @Endpoint({
    operationId: 'listModerationQueue',
    summary: 'The moderation queue (or any status)',
    description:
      'Pending: oldest first (work the queue in order). Every other view: newest first. With article, author and report reasons.',
    type: QueuePage,
    errors: ['ARTICLE_NOT_FOUND'],
  })
  list(@Query() q: QueueQueryDto): Promise<Page<QueueItemDto>> {
    return this.moderation.list(q);
  }

  @Get('queue/summary')
  @Endpoint({ operationId: 'getQueueSummary', summary: 'Comments per status and the oldest pending one', type: QueueSummaryDto })
  summary(): Promise<QueueSummaryDto> {
    return this.moderation.summary();
  }

  @Patch('comments/:commentId')
  @Endpoint({
    operationId: 'decideComment',
    summary: 'Approve, reject or mark a comment as spam',
    description:
      "Send the `version` you saw: if someone decided meanwhile the answer is 409 VERSION_CONFLICT, whose `details[0].current` says what the comment is now and who changed it last (`{ status, version, deleted, action, decidedAt, decidedBy }`). `reasonId` names one of the newsroom's decision reasons. Nobody decides their own comment (403 OWN_CASE).",
    type: AdminCommentResponse,
    errors: ['COMMENT_NOT_FOUND', 'VERSION_CONFLICT', 'INVALID_TRANSITION', 'OWN_CASE'],
  })
  async decide(
    @Param() { commentId }: CommentIdParam,
    @Body() dto: DecisionDto,
    @CurrentUser() user: AuthUser,
  ): Promise<AdminCommentResponse> {
    return { adminComment: await this.moderation.decide(user.id, commentId, dto) };
  }

  @Post('comments/bulk')
  @Endpoint({
    operationId: 'decideComments',
    summary: 'One decision on many comments',
    description:
      'Partial success is **200 with per-item results** (not 207): every id gets `{ id, ok: true, status }` or `{ id, ok: false, error: { code, message } }`, in request order. Unknown ids (`COMMENT_NOT_FOUND`), impossible transitions (`INVALID_TRANSITION`), the moderator’s own comments (`OWN_CASE`) and, when `versions` are sent, comments changed since they were read (`VERSION_CONFLICT`, with `error.current`: who changed it and what) are skipped; all the others are applied together in one transaction, or none are (then the whole request fails, e.g. 503).',
    type: BulkResultDto,
  })
  bulk(@Body() dto: BulkDecisionDto, @CurrentUser() user: AuthUser): Promise<BulkResultDto> {
    return this.moderation.bulk(user.id, dto);
  }
}
