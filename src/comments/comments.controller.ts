import { Body, Controller, Delete, Get, Param, Patch, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../common/auth/auth-user.js';
import { AllowBanned, CurrentUser, Public } from '../common/auth/decorators.js';
import { PAGE_CACHE, sendJson } from '../common/http-cache.js';
import { Endpoint } from '../common/openapi/endpoint.decorator.js';
import { RateLimit } from '../common/rate-limit/rate-limit.decorator.js';
import { CommentReactionsService } from './comment-reactions.service.js';
import { CommentReportsService } from './comment-reports.service.js';
import { CommentsService } from './comments.service.js';
import { CommentIdParam } from './dto/comment-id.dto.js';
import { CommentPage, CommentResponse, ReportResponse } from './dto/comment-response.dto.js';
import { CreateCommentDto } from './dto/create-comment.dto.js';
import { ListCommentsQueryDto } from './dto/list.dto.js';
import { ReactDto, ReactionsResponse } from './dto/reaction.dto.js';
import { ReportCommentDto } from './dto/report-comment.dto.js';
import { UpdateCommentDto } from './dto/update-comment.dto.js';
import { IdempotencyKey } from './idempotency-key.decorator.js';

const commentLocation = (body: CommentResponse) => `/api/comments/${body.comment.id}`;

@ApiTags('comments')
@Controller()
export class CommentsController {
  constructor(
    private readonly comments: CommentsService,
    private readonly reports: CommentReportsService,
    private readonly reactions: CommentReactionsService,
  ) {}

  @Public()
  @AllowBanned()
  @Get('articles/:slug/comments')
  @Endpoint({
    operationId: 'listComments',
    summary: "An article's comments, one page",
    description:
      'Approved comments, keyset-paginated. Deleted ones stay as `{ deleted: true, body: null }` so threads keep their shape. A signed-in reader also sees their own pending comments (status `pending`); that page is private (`no-store`).',
    type: CommentPage,
    errors: ['ARTICLE_NOT_FOUND'],
    cache: PAGE_CACHE,
  })
  async list(
    @Param('slug') slug: string,
    @Query() q: ListCommentsQueryDto,
    @Res() reply: FastifyReply,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<void> {
    // A CommentPage as JSON text built by PostgreSQL (no objects per comment).
    sendJson(reply, await this.comments.listForArticle(slug, q, viewer));
  }

  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: '1-100 visible ASCII characters; a retry with the same key returns the first result',
    schema: { type: 'string', pattern: '^[\\x21-\\x7E]{1,100}$' },
  })
  @RateLimit(
    { name: 'comment-post', limit: 10, windowSeconds: 60, per: 'user' },
    { name: 'comment-post-ip', limit: 30, windowSeconds: 60, per: 'ip' },
  )
  @Post('articles/:slug/comments')
  @Endpoint({
    operationId: 'createComment',
    summary: 'Post a comment or a reply',
    description: 'Starts `pending` unless the article is post-moderated or the author trusted; banned words reject it at once.',
    status: 201,
    type: CommentResponse,
    errors: [
      'INVALID_PARENT',
      'INVALID_IDEMPOTENCY_KEY',
      'INVALID_TEXT',
      'COMMENTS_CLOSED',
      'ARTICLE_NOT_FOUND',
      'PARENT_NOT_FOUND',
      'DUPLICATE_COMMENT',
      'IDEMPOTENCY_KEY_REUSED',
    ],
    location: commentLocation,
  })
  async create(
    @Param('slug') slug: string,
    @Body() dto: CreateCommentDto,
    @CurrentUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @IdempotencyKey() key?: string,
  ): Promise<CommentResponse> {
    return { comment: await this.comments.create(user, slug, dto, key, clientOf(req)) };
  }

  @Public()
  @AllowBanned()
  @Get('comments/:commentId')
  @Endpoint({
    operationId: 'getComment',
    summary: 'Read one comment',
    description: 'Published comments for everyone; the author and moderators also see it while pending.',
    type: CommentResponse,
    errors: ['COMMENT_NOT_FOUND'],
    cache: PAGE_CACHE,
  })
  async get(@Param() { commentId }: CommentIdParam, @Res() reply: FastifyReply, @CurrentUser() viewer?: AuthUser): Promise<void> {
    // A CommentResponse as JSON text from the read path.
    sendJson(reply, await this.comments.get(commentId, viewer));
  }

  @RateLimit({ name: 'comment-edit', limit: 20, windowSeconds: 60, per: 'user' })
  @Patch('comments/:commentId')
  @Endpoint({
    operationId: 'editComment',
    summary: 'Edit your comment',
    description:
      'Within the edit window. The old text is kept as a revision; an approved comment goes back to the queue unless the article is post-moderated.',
    type: CommentResponse,
    errors: [
      'INVALID_TEXT',
      'COMMENTS_CLOSED',
      'NOT_COMMENT_AUTHOR',
      'EDIT_WINDOW_CLOSED',
      'COMMENT_NOT_FOUND',
      'VERSION_CONFLICT',
      'COMMENT_NOT_EDITABLE',
    ],
  })
  async edit(
    @Param() { commentId }: CommentIdParam,
    @Body() dto: UpdateCommentDto,
    @CurrentUser() user: AuthUser,
    @Req() req: FastifyRequest,
  ): Promise<CommentResponse> {
    return { comment: await this.comments.edit(user, commentId, dto, clientOf(req)) };
  }

  @Delete('comments/:commentId')
  @Endpoint({
    operationId: 'deleteComment',
    summary: 'Delete a comment (author or moderator)',
    description: 'Soft delete: the comment stays as a placeholder in its thread.',
    status: 204,
    errors: ['NOT_COMMENT_AUTHOR', 'COMMENT_NOT_FOUND', 'VERSION_CONFLICT'],
  })
  async remove(@Param() { commentId }: CommentIdParam, @CurrentUser() user: AuthUser): Promise<void> {
    await this.comments.remove(user, commentId);
  }

  @RateLimit({ name: 'comment-report', limit: 20, windowSeconds: 60, per: 'user' })
  @Post('comments/:commentId/reports')
  @Endpoint({
    operationId: 'reportComment',
    summary: 'Report a comment',
    description:
      "Once per reader. At COMMENT_REPORT_THRESHOLD reports an approved comment goes back to the queue. With `notice` the report is also a notice of illegal content (DSA Art. 16), with your account's name and email as the notifier's.",
    status: 201,
    type: ReportResponse,
    errors: [
      'CANNOT_REPORT_OWN_COMMENT',
      'COMMENT_NOT_FOUND',
      'ALREADY_REPORTED',
      'VERSION_CONFLICT',
      'NOTIFIER_ON_HOLD',
      'DUPLICATE_NOTICE',
    ],
    location: (body: ReportResponse) => `/api/comments/${body.report.commentId}/reports/mine`,
  })
  async report(
    @Param() { commentId }: CommentIdParam,
    @Body() dto: ReportCommentDto,
    @CurrentUser() user: AuthUser,
  ): Promise<ReportResponse> {
    return this.reports.report(user, commentId, dto);
  }

  @AllowBanned()
  @Get('comments/:commentId/reports/mine')
  @Endpoint({
    operationId: 'getMyReport',
    summary: 'Your report on a comment',
    description: 'Whether (and why) you reported it.',
    type: ReportResponse,
    errors: ['REPORT_NOT_FOUND'],
  })
  async myReport(@Param() { commentId }: CommentIdParam, @CurrentUser() user: AuthUser): Promise<ReportResponse> {
    return { report: await this.reports.mine(user, commentId) };
  }

  @RateLimit(
    { name: 'comment-react', limit: 60, windowSeconds: 60, per: 'user' },
    { name: 'comment-react-ip', limit: 600, windowSeconds: 60, per: 'ip' },
  )
  @Put('comments/:commentId/reactions/mine')
  @Endpoint({
    operationId: 'reactToComment',
    summary: 'React to a comment (or change your reaction)',
    description:
      "One reaction per reader and comment, of a kind the newsroom offers (REACTION_KINDS). Only on others' approved comments; the same kind again changes nothing. Answers the comment's counts after the change.",
    type: ReactionsResponse,
    errors: ['INVALID_REACTION', 'CANNOT_REACT_OWN_COMMENT', 'COMMENT_NOT_FOUND'],
  })
  async react(@Param() { commentId }: CommentIdParam, @Body() dto: ReactDto, @CurrentUser() user: AuthUser): Promise<ReactionsResponse> {
    return { reaction: await this.reactions.set(user, commentId, dto.kind) };
  }

  @RateLimit(
    { name: 'comment-react', limit: 60, windowSeconds: 60, per: 'user' },
    { name: 'comment-react-ip', limit: 600, windowSeconds: 60, per: 'ip' },
  )
  @Delete('comments/:commentId/reactions/mine')
  @Endpoint({
    operationId: 'unreactToComment',
    summary: 'Take your reaction back',
    description: "Idempotent: without a reaction there is nothing to take back. Answers the comment's counts after the change.",
    type: ReactionsResponse,
    errors: ['COMMENT_NOT_FOUND'],
  })
  async unreact(@Param() { commentId }: CommentIdParam, @CurrentUser() user: AuthUser): Promise<ReactionsResponse> {
    return { reaction: await this.reactions.remove(user, commentId) };
  }
}

/** The client's address (after TRUST_PROXY) and user agent: for a spam service only (comment-checks.service.ts). */
const clientOf = (req: FastifyRequest) => ({ ip: req.ip, userAgent: String(req.headers['user-agent'] ?? '').slice(0, 500) });
