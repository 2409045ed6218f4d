import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../common/auth/decorators.js';
import { CommentsService } from './comments.service.js';
import { ListCommentsQueryDto } from './dto/list.dto.js';

@ApiTags('comments')
@Controller()
export class CommentsController {
  constructor(private readonly comments: CommentsService) {}

  @Public()
  @Get('articles/:slug/comments')
  list(@Param('slug') slug: string, @Query() q: ListCommentsQueryDto) {
    return this.comments.listForArticle(slug, q);
  }
}
