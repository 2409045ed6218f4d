import { Controller, Delete, Get, Param, Put } from '@nestjs/common';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth/auth-user.js';
import { CurrentUser, Roles } from '../common/auth/decorators.js';
import { CommentResponse } from '../comments/dto/comment-response.dto.js';
import { CommentIdParam } from '../comments/dto/comment-id.dto.js';
import { EditorsPicksService } from './editors-picks.service.js';
import { Endpoint } from '../common/openapi/endpoint.decorator.js';
import { commentNotFound } from '../comment-core/comment-policy.js';
import { QueueItemDto } from './dto/moderation-response.dto.js';
import { ModerationQueueRepository } from './moderation-queue.repository.js';
import { toQueueItem } from './moderation.mapper.js';

export class QueueItemResponse {
  @ApiProperty()
  item: QueueItemDto;
}

/** One comment as a queue item: a card that arrived live (staff event stream), or a link to one comment. */
@ApiTags('admin')
@Roles('moderator', 'admin')
@Controller('admin/comments')
export class QueueItemController {
  constructor(
    private readonly queue: ModerationQueueRepository,
    private readonly picks: EditorsPicksService,
  ) {}

  @Get(':commentId')
  @Endpoint({
    operationId: 'getQueueItem',
    summary: 'One comment as the queue shows it',
    description: 'Whatever its status (deleted ones too): the comment with its article, author, reports, notices, hold and parent.',
    type: QueueItemResponse,
    errors: ['COMMENT_NOT_FOUND'],
  })
  async get(@Param() { commentId }: CommentIdParam): Promise<QueueItemResponse> {
    const [row] = await this.queue.page({ status: 'pending', id: commentId, limit: 1 });
    if (!row) throw commentNotFound();
    return { item: toQueueItem(row) };
  }

  @Put(':commentId/featured')
  @Endpoint({
    operationId: 'featureComment',
    summary: "Feature a comment (an editors' pick)",
    description:
      "Audited (`feature`). Readers see `featured: true` on it and find it with `featured=true` on the article's list. Featuring it again changes nothing.",
    type: CommentResponse,
    errors: ['COMMENT_NOT_FOUND', 'COMMENT_NOT_PUBLISHED'],
  })
  async feature(@Param() { commentId }: CommentIdParam, @CurrentUser() actor: AuthUser): Promise<CommentResponse> {
    return { comment: await this.picks.set(actor, commentId, true) };
  }

  @Delete(':commentId/featured')
  @Endpoint({
    operationId: 'unfeatureComment',
    summary: "Take a comment out of the editors' picks",
    description: 'Audited (`unfeature`); whatever the comment became since. Answers the comment as readers see it.',
    type: CommentResponse,
    errors: ['COMMENT_NOT_FOUND'],
  })
  async unfeature(@Param() { commentId }: CommentIdParam, @CurrentUser() actor: AuthUser): Promise<CommentResponse> {
    return { comment: await this.picks.set(actor, commentId, false) };
  }
}
