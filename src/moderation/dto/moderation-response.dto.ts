import { TriageOverridesDto } from '../../triage/triage.dto.js';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath, PickType } from '@nestjs/swagger';
import { CommentDto } from '../../comments/dto/comment-response.dto.js';
import { EXAMPLE } from '../../common/openapi/examples.js';
import { PageOf } from '../../common/openapi/page.dto.js';
import { CommentStatus, Role } from '../../generated/prisma/enums.js';
import { QueueNoticeDto } from '../../dsa/dto/notice.dto.js';
import { UserRefDto } from '../../users/dto/user.dto.js';
import { CommentHoldDto } from '../../holds/comment-holds.js';
import { CurrentDecisionDto } from '../last-decision.js';
import { WordFilterDto } from '../../word-filter/word-filter.dto.js';
import { DECISION_STATUSES } from './decision.dto.js';

const STATUSES = Object.values(CommentStatus);

/** The comment fields a moderator sees (queue items and decision responses): the public fields they share keep their names and types. */
export class AdminCommentDto extends PickType(CommentDto, ['id', 'parentId', 'depth', 'createdAt', 'editedAt'] as const) {
  @ApiProperty({ description: 'kept after deletion, for moderators', example: EXAMPLE.commentBody })
  body: string;

  @ApiProperty({ enum: STATUSES, example: 'pending' })
  status: CommentStatus;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'why it is in this status (moderator reason, filter match, reports)',
    example: null,
  })
  statusReason: string | null;

  @ApiProperty({ type: 'integer', minimum: 1, description: 'send it back as `version` to decide only on what you saw', example: 1 })
  version: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null })
  deletedAt: string | null;

  @ApiProperty({
    description: "an editors' pick (PUT/DELETE /api/admin/comments/{commentId}/featured); readers see it only while approved",
    example: false,
  })
  featured: boolean;
}

/** Named for its shape: `comment` is the public comment everywhere else. */
export class AdminCommentResponse {
  @ApiProperty()
  adminComment: AdminCommentDto;
}

export class ArticleRefDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE.articleId })
  id: string;

  @ApiProperty({ example: EXAMPLE.slug })
  slug: string;
}

export class QueueArticleDto extends ArticleRefDto {
  @ApiProperty({ example: EXAMPLE.title })
  title: string;
}

/** A UserRef with the two fields a moderator weighs in the queue (same names and types as AdminUser). */
export class QueueAuthorDto extends UserRefDto {
  @ApiProperty({ type: 'integer', example: 42 })
  approvedCommentCount: number;

  @ApiProperty({ example: false })
  banned: boolean;

  @ApiProperty({
    enum: Object.values(Role),
    description: 'only admins may ban staff (the console offers what the role allows)',
    example: 'reader',
  })
  role: Role;
}

/** The comment a queue item replies to, as staff see it. */
export class QueueParentDto extends PickType(AdminCommentDto, ['id', 'body', 'status', 'createdAt'] as const) {
  @ApiProperty({ description: 'deleted by its author or by staff', example: false })
  deleted: boolean;

  @ApiProperty({ type: UserRefDto, nullable: true, description: 'null when its account was erased' })
  author: UserRefDto | null;
}

export class QueueItemDto {
  @ApiProperty({ description: 'the comment as staff see it (`comment` is the public view everywhere else)' })
  adminComment: AdminCommentDto;

  @ApiProperty()
  article: QueueArticleDto;

  @ApiProperty()
  author: QueueAuthorDto;

  @ApiProperty({ type: 'integer', minimum: 0, example: 0 })
  reportCount: number;

  @ApiProperty({ type: [String], description: 'newest first, at most 20', example: [] })
  reportReasons: string[];

  @ApiProperty({
    type: [QueueNoticeDto],
    description: 'open notices of illegal content (DSA Art. 16) with their category and age, oldest first, at most 20',
  })
  notices: QueueNoticeDto[];

  @ApiProperty({
    type: CommentHoldDto,
    nullable: true,
    description: 'why it was held for a moderator (or rejected) automatically, the latest hold; null when nothing held it',
  })
  hold: CommentHoldDto | null;

  @ApiProperty({ type: QueueParentDto, nullable: true, description: 'the comment it replies to; null for a top-level comment' })
  parent: QueueParentDto | null;
}

export const QueuePage = PageOf(QueueItemDto, 'QueuePage');

export class StatusCountsDto {
  @ApiProperty({ type: 'integer', example: 7 })
  pending: number;

  @ApiProperty({ type: 'integer', example: 12 })
  approved: number;

  @ApiProperty({ type: 'integer', example: 2 })
  rejected: number;

  @ApiProperty({ type: 'integer', example: 1 })
  spam: number;

  @ApiProperty({ type: 'integer', description: 'not deleted, reported at least once (also counted under their status)', example: 1 })
  reported: number;

  @ApiProperty({
    type: 'integer',
    description: 'not deleted, with notices of illegal content to decide (also counted under their status)',
    example: 1,
  })
  noticed: number;

  @ApiProperty({ type: 'integer', example: 3 })
  deleted: number;
}

export class OldestPendingDto {
  @ApiProperty({ format: 'date-time', example: EXAMPLE.createdAt })
  createdAt: string;

  @ApiProperty({ type: 'integer', example: 1260 })
  ageSeconds: number;
}

export class OldestNoticeDto {
  @ApiProperty({ format: 'date-time', example: EXAMPLE.createdAt })
  receivedAt: string;

  @ApiProperty({ type: 'integer', example: 5400 })
  ageSeconds: number;
}

export class QueueSummaryDto {
  @ApiProperty()
  counts: StatusCountsDto;

  @ApiProperty({ type: OldestPendingDto, nullable: true, description: 'null when nothing is pending' })
  oldestPending: OldestPendingDto | null;

  @ApiProperty({
    type: OldestNoticeDto,
    nullable: true,
    description: 'the notice of illegal content waiting longest for a decision (DSA Art. 16); null when none',
  })
  oldestOpenNotice: OldestNoticeDto | null;
}

export class ArticleCommentCountsDto {
  @ApiProperty({ example: EXAMPLE.slug })
  slug: string;

  @ApiProperty()
  counts: StatusCountsDto;
}

export class BulkErrorDto {
  @ApiProperty({ enum: ['COMMENT_NOT_FOUND', 'INVALID_TRANSITION', 'VERSION_CONFLICT', 'OWN_CASE'], example: 'INVALID_TRANSITION' })
  code: 'COMMENT_NOT_FOUND' | 'INVALID_TRANSITION' | 'VERSION_CONFLICT' | 'OWN_CASE';

  @ApiProperty({ example: 'A deleted comment cannot be moderated' })
  message: string;

  @ApiPropertyOptional({
    type: CurrentDecisionDto,
    description: 'VERSION_CONFLICT: what the comment is now, and who changed it last',
    example: {
      status: 'approved',
      version: 2,
      deleted: false,
      action: 'approve',
      decidedAt: '2026-11-28T09:30:02.000Z',
      decidedBy: { id: '9a1b2c3d-4e5f-4a6b-8c7d-e8f9a0b1c2d3', username: 'redaktor_maria' },
    },
  })
  current?: CurrentDecisionDto;
}

/** An id whose decision was applied. */
export class BulkAppliedItemDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE.commentId })
  id: string;

  @ApiProperty({ type: 'boolean', enum: [true], description: 'applied' })
  ok: true;

  @ApiProperty({ enum: DECISION_STATUSES, description: 'the new status', example: 'approved' })
  status: (typeof DECISION_STATUSES)[number];
}

/** An id that was skipped, and why. */
export class BulkSkippedItemDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE.commentId })
  id: string;

  @ApiProperty({ type: 'boolean', enum: [false], description: 'skipped, see `error`' })
  ok: false;

  @ApiProperty({ type: BulkErrorDto, description: 'why this id was skipped' })
  error: BulkErrorDto;
}

/** One result of a bulk decision: `ok` tells which of the two shapes it is. */
export type BulkResultItemDto = BulkAppliedItemDto | BulkSkippedItemDto;

@ApiExtraModels(BulkAppliedItemDto, BulkSkippedItemDto)
export class BulkResultDto {
  @ApiProperty({
    type: 'array',
    items: { oneOf: [{ $ref: getSchemaPath(BulkAppliedItemDto) }, { $ref: getSchemaPath(BulkSkippedItemDto) }] },
    description: 'one per requested id, in request order; `ok` tells applied (`status`) from skipped (`error`)',
  })
  results: BulkResultItemDto[];

  @ApiProperty({ type: 'integer', example: 1 })
  applied: number;

  @ApiProperty({ type: 'integer', example: 0 })
  failed: number;
}

export class ArticleSettingsViewDto extends QueueArticleDto {
  @ApiProperty({ example: true })
  commentsOpen: boolean;

  @ApiProperty({ enum: ['pre', 'post'], example: 'pre' })
  moderation: 'pre' | 'post';

  @ApiProperty({ example: false })
  trustedBypass: boolean;

  @ApiProperty({ type: 'integer', example: 12 })
  commentCount: number;

  @ApiPropertyOptional({
    type: TriageOverridesDto,
    description:
      "the article's overrides of the triage rules (whole sections); {} when it follows the newsroom's rules. In the settings answer (PATCH), not in lists",
    example: {},
  })
  triage?: TriageOverridesDto;

  @ApiProperty({ format: 'date-time', example: '2026-11-29T10:00:00.000Z' })
  updatedAt: string;
}

/** Named for its shape: `article` is the public article everywhere else. */
export class ArticleSettingsResponse {
  @ApiProperty()
  articleSettings: ArticleSettingsViewDto;
}

export class WordFilterResponse {
  @ApiProperty()
  filter: WordFilterDto;
}

export const WordFilterPage = PageOf(WordFilterDto, 'WordFilterPage');

export class AuditEntryDto {
  @ApiProperty({ format: 'uuid', example: 'd9c8b7a6-5f4e-4d3c-9b2a-1f0e9d8c7b6a' })
  id: string;

  @ApiProperty({
    description:
      'approve, reject, spam, edit, delete, report_threshold, filter_reject, filter_hold, rule_reject, rule_hold, check_publish, check_pass, check_hold, check_reject (the publisher’s classifier), auto_approve, ban, unban, ban_reject, role_change, filter_add, filter_remove, article_settings, triage_rules, erase (a comment erased with its account), erase_account, export_account, webhook_create, webhook_update, webhook_delete, webhook_retry, webhook_test, webhook_disable, feature, unfeature, badge_change, import (an import run ended), import_upload (a file uploaded to import), export_site',
    example: 'approve',
  })
  action: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-28T09:30:02.000Z' })
  createdAt: string;

  @ApiProperty({ type: UserRefDto, nullable: true, description: 'who acted; null for automatic decisions' })
  moderator: UserRefDto | null;

  @ApiProperty({ enum: STATUSES, nullable: true, example: 'pending' })
  fromStatus: CommentStatus | null;

  @ApiProperty({ enum: STATUSES, nullable: true, example: 'approved' })
  toStatus: CommentStatus | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  reason: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, example: EXAMPLE.commentId })
  commentId: string | null;

  @ApiProperty({ type: ArticleRefDto, nullable: true, description: 'for article settings changes' })
  article: ArticleRefDto | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description:
      'what changed, for actions that are not status changes: article settings or a webhook endpoint before and after, the endpoint and delivery of webhook actions',
    example: null,
  })
  details: Record<string, unknown> | null;

  @ApiProperty({ type: UserRefDto, nullable: true, description: 'the user acted on: the comment author, or the banned / promoted user' })
  targetUser: UserRefDto | null;
}

export const AuditLogPage = PageOf(AuditEntryDto, 'AuditLogPage');
