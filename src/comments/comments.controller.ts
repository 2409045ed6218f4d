import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth/auth-user.js';
import { CurrentUser, Public } from '../common/auth/decorators.js';
import { RateLimit } from '../common/rate-limit/rate-limit.decorator.js';
import { CommentReportsService } from './comment-reports.service.js';
import { CommentsService } from './comments.service.js';
import { CommentIdParam } from './dto/comment-id.dto.js';
import { CreateCommentDto } from './dto/create-comment.dto.js';
import { ListCommentsQueryDto } from './dto/list.dto.js';
import { ReportCommentDto } from './dto/report-comment.dto.js';
import { UpdateCommentDto } from './dto/update-comment.dto.js';
import { IdempotencyKey } from './idempotency-key.decorator.js';

@ApiTags('comments')
@Controller()
export class CommentsController {
  constructor(
    private readonly comments: CommentsService,
    private readonly reports: CommentReportsService,
  ) {}

  /** Approved comments; a signed-in reader also sees their own pending ones (status "pending"). */
  @Public()
  @Get('articles/:slug/comments')
  list(@Param('slug') slug: string, @Query() q: ListCommentsQueryDto, @CurrentUser() viewer?: AuthUser) {
    return this.comments.listForArticle(slug, q, viewer);
  }

  @ApiBearerAuth()
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: '1-100 visible ASCII characters; a retry with the same key returns the first result' })
  @RateLimit({ name: 'comment-post', limit: 10, windowSeconds: 60, per: 'user' }, { name: 'comment-post-ip', limit: 30, windowSeconds: 60, per: 'ip' })
  @Post('articles/:slug/comments')
  async create(@Param('slug') slug: string, @Body() dto: CreateCommentDto, @CurrentUser() user: AuthUser, @IdempotencyKey() key?: string) {
    return { comment: await this.comments.create(user, slug, dto, key) };
  }

  /** Published comments for everyone; the author and moderators also see it while pending. */
  @Public()
  @Get('comments/:id')
  async get(@Param() { id }: CommentIdParam, @CurrentUser() viewer?: AuthUser) {
    return { comment: await this.comments.get(id, viewer) };
  }

  @ApiBearerAuth()
  @RateLimit({ name: 'comment-edit', limit: 20, windowSeconds: 60, per: 'user' })
  @Patch('comments/:id')
  async edit(@Param() { id }: CommentIdParam, @Body() dto: UpdateCommentDto, @CurrentUser() user: AuthUser) {
    return { comment: await this.comments.edit(user, id, dto) };
  }

  @ApiBearerAuth()
  @Delete('comments/:id')
  @HttpCode(204)
  async remove(@Param() { id }: CommentIdParam, @CurrentUser() user: AuthUser): Promise<void> {
    await this.comments.remove(user, id);
  }

  @ApiBearerAuth()
  @RateLimit({ name: 'comment-report', limit: 20, windowSeconds: 60, per: 'user' })
  @Post('comments/:id/reports')
  async report(@Param() { id }: CommentIdParam, @Body() dto: ReportCommentDto, @CurrentUser() user: AuthUser) {
    return { report: await this.reports.report(user, id, dto) };
  }
}
