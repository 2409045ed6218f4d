import { Module } from '@nestjs/common';
import { CommentCountsService } from './comment-counts.service.js';
import { CommentsController } from './comments.controller.js';
import { CommentCountsController } from './comments-read.controller.js';
import { CommentsService } from './comments.service.js';

@Module({
  controllers: [CommentCountsController, CommentsController],
  providers: [CommentCountsService, CommentsService],
  exports: [CommentCountsService, CommentsService],
})
export class CommentsModule {}
