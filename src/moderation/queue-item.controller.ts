import { Controller, Get, Param } from '@nestjs/common';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/auth/decorators.js';
import { Endpoint } from '../common/openapi/endpoint.decorator.js';
import { commentNotFound } from '../comment-core/comment-policy.js';
import { QueueItemDto } from './dto/moderation-response.dto.js';
import { IdParamDto } from '../common/validation/id-param.dto.js';
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
  constructor(private readonly queue: ModerationQueueRepository) {}

  @Get(':id')
  @Endpoint({
    operationId: 'getQueueItem',
    summary: 'One comment as the queue shows it',
    description: 'Whatever its status (deleted ones too): the comment with its article, author, reports, notices, hold and parent.',
    type: QueueItemResponse,
    errors: ['COMMENT_NOT_FOUND'],
  })
  async get(@Param() { id }: IdParamDto): Promise<QueueItemResponse> {
    const [row] = await this.queue.page({ status: 'pending', id, limit: 1 });
    if (!row) throw commentNotFound();
    return { item: toQueueItem(row) };
  }
}
