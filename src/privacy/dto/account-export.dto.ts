import { ApiProperty, OmitType, PickType } from '@nestjs/swagger';
import { EXAMPLE } from '../../common/openapi/examples.js';
import { AppealDto, StatementOfReasonsDto } from '../../dsa/dto/decision.dto.js';
import { NOTICE_EXAMPLE, NOTICE_OUTCOMES, NoticeDto } from '../../dsa/dto/notice.dto.js';
import { CommentStatus, Role } from '../../generated/prisma/enums.js';
import { ArticleRefDto } from '../../moderation/dto/moderation-response.dto.js';

/**
 * The account export (GET /api/me/export, GDPR Art. 15 and 20): one JSON document, versioned by `format` and
 * `version`. Version 1 is described by these classes; a later version may add fields (clients ignore unknown ones)
 * and bumps `version` when a field changes meaning or disappears.
 *
 * What it holds is everything this service stores about the account holder, and nothing about anyone else: other
 * readers' comments appear only as ids (the comment replied to, the comment reported), never their words or names;
 * staff members are never named: a decision says `by: "staff"` (or `"system"` for automatic ones, `"you"` for the
 * holder's own actions). Secrets are left out (password hash, refresh-token hashes).
 */

export const EXPORT_FORMAT = 'newsroom-comments.account-export';
export const EXPORT_VERSION = 1;

const ACTORS = ['you', 'staff', 'system'] as const;
export type ExportActor = (typeof ACTORS)[number];

/** The same shape as `ban` in the account's own view (UserBanDto). */
export class ExportBanDto {
  @ApiProperty({ format: 'date-time', description: 'when it was imposed', example: EXAMPLE.createdAt })
  since: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'null = until lifted', example: null })
  until: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Повтарящи се обиди към други читатели' })
  reason: string | null;
}

export class ExportNotificationsDto {
  @ApiProperty({ enum: ['off', 'immediate', 'digest'], example: 'digest' })
  replies: string;

  @ApiProperty({ example: false, description: 'the daily mail about the moderation queue (staff)' })
  queueDigest: boolean;

  @ApiProperty({ enum: ['bg', 'en'], example: 'bg' })
  locale: string;

  @ApiProperty({ format: 'date-time', example: EXAMPLE.createdAt })
  updatedAt: string;
}

export class ExportAccountDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE.userId })
  id: string;

  @ApiProperty({ example: EXAMPLE.username })
  username: string;

  @ApiProperty({ type: String, format: 'email', nullable: true, example: EXAMPLE.email })
  email: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Иван Петров' })
  displayName: string | null;

  @ApiProperty({ enum: Object.values(Role), example: 'reader' })
  role: Role;

  @ApiProperty({ description: 'whether the account has a password (its hash is never exported)', example: true })
  hasPassword: boolean;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'approved, not deleted comments', example: 12 })
  approvedCommentCount: number;

  @ApiProperty({ type: ExportBanDto, nullable: true, description: 'the ban on the account, if one was ever set and not lifted' })
  ban: ExportBanDto | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'when the address was confirmed (null: never)',
    example: EXAMPLE.createdAt,
  })
  emailVerifiedAt: string | null;

  @ApiProperty({ type: ExportNotificationsDto, nullable: true, description: 'your e-mail notification settings (null: never set)' })
  notifications: ExportNotificationsDto | null;

  @ApiProperty({ format: 'date-time', example: '2026-10-02T18:04:11.000Z' })
  createdAt: string;

  @ApiProperty({ format: 'date-time', example: EXAMPLE.createdAt })
  updatedAt: string;
}

export class ExportIdentityDto {
  @ApiProperty({ description: "the publisher's issuer (SSO_ISSUER)", example: 'https://www.example.bg' })
  issuer: string;

  @ApiProperty({ description: "the publisher's id for you (`sub`)", example: '4217' })
  subject: string;

  @ApiProperty({ format: 'date-time', example: '2026-10-02T18:04:11.000Z' })
  linkedAt: string;

  @ApiProperty({ format: 'date-time', example: EXAMPLE.createdAt })
  lastSeenAt: string;
}

export class ExportSessionDto {
  @ApiProperty({
    format: 'uuid',
    description: 'the session (one sign-in and its refreshes)',
    example: 'c7d8e9f0-1a2b-4c3d-8e4f-5a6b7c8d9e0f',
  })
  id: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-27T20:01:00.000Z' })
  signedInAt: string;

  @ApiProperty({ format: 'date-time', description: 'the last sign-in or refresh', example: EXAMPLE.createdAt })
  lastUsedAt: string;

  @ApiProperty({ format: 'date-time', example: '2026-12-28T09:12:45.120Z' })
  expiresAt: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'when it was ended (sign-out, ban, a reused refresh token)',
    example: null,
  })
  endedAt: string | null;

  @ApiProperty({ description: 'still usable', example: true })
  active: boolean;

  @ApiProperty({ type: 'integer', minimum: 0, example: 3 })
  refreshes: number;
}

export class ExportArticleRefDto extends ArticleRefDto {
  @ApiProperty({ example: EXAMPLE.title })
  title: string;
}

export class ExportRevisionDto {
  @ApiProperty({ type: 'integer', minimum: 1, description: 'the version this text had', example: 1 })
  version: number;

  @ApiProperty({ example: 'Съвместното производство с Япония е разумна стъпка.' })
  body: string;

  @ApiProperty({ format: 'date-time', description: 'when it was replaced', example: EXAMPLE.createdAt })
  createdAt: string;
}

export class ExportHistoryEntryDto {
  @ApiProperty({ format: 'date-time', example: EXAMPLE.createdAt })
  at: string;

  @ApiProperty({
    description: 'e.g. approve, reject, spam, edit, delete, report_threshold, filter_reject, auto_approve',
    example: 'approve',
  })
  action: string;

  @ApiProperty({ type: String, enum: Object.values(CommentStatus), nullable: true, example: 'pending' })
  fromStatus: CommentStatus | null;

  @ApiProperty({ type: String, enum: Object.values(CommentStatus), nullable: true, example: 'approved' })
  toStatus: CommentStatus | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  reason: string | null;

  @ApiProperty({ enum: ACTORS, description: 'staff members are not named', example: 'staff' })
  by: ExportActor;
}

export class ExportCommentDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE.commentId })
  id: string;

  @ApiProperty({ type: ExportArticleRefDto })
  article: ExportArticleRefDto;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'the comment replied to (its text is not exported)',
    example: null,
  })
  parentId: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, example: null })
  rootId: string | null;

  @ApiProperty({ type: 'integer', minimum: 0, example: 0 })
  depth: number;

  @ApiProperty({ description: 'the current text, also of deleted comments', example: EXAMPLE.commentBody })
  body: string;

  @ApiProperty({ enum: Object.values(CommentStatus), example: 'approved' })
  status: CommentStatus;

  @ApiProperty({ type: String, nullable: true, description: 'why it has this status (a moderator or a filter)', example: null })
  statusReason: string | null;

  @ApiProperty({ type: 'integer', minimum: 1, example: 2 })
  version: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'reports readers filed on it (who filed them is not exported)', example: 0 })
  reportCount: number;

  @ApiProperty({ format: 'date-time', example: EXAMPLE.createdAt })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2026-11-28T09:20:03.000Z' })
  editedAt: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null })
  deletedAt: string | null;

  @ApiProperty({ type: String, enum: ['you', 'staff'], nullable: true, example: null })
  deletedBy: 'you' | 'staff' | null;

  @ApiProperty({ type: [ExportRevisionDto], description: 'earlier texts, oldest first' })
  revisions: ExportRevisionDto[];

  @ApiProperty({ type: [ExportHistoryEntryDto], description: 'every status change and action on it, oldest first' })
  history: ExportHistoryEntryDto[];
}

export class ExportMailDto {
  @ApiProperty({
    enum: ['reply', 'digest', 'queue_digest', 'confirm', 'statement'],
    example: 'reply',
    description: 'what the mail was about',
  })
  kind: string;

  @ApiProperty({
    enum: ['held', 'pending', 'sent', 'failed', 'cancelled', 'digested'],
    example: 'sent',
    description:
      '`held`: waits for the daily digest; `digested`: sent inside a digest; `cancelled`: not sent (you unsubscribed, or could not receive it)',
  })
  status: string;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'the comment it was about (a reply to you, or yours)',
    example: EXAMPLE.replyId,
  })
  commentId: string | null;

  @ApiProperty({ type: 'integer', minimum: 0, example: 1 })
  attempts: number;

  @ApiProperty({ format: 'date-time', example: EXAMPLE.createdAt })
  createdAt: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: EXAMPLE.createdAt,
    description: 'when it was sent, or given up',
  })
  completedAt: string | null;
}

export class ExportReactionDto {
  @ApiProperty({
    format: 'uuid',
    description: 'the comment you reacted to (its text and author are not exported)',
    example: EXAMPLE.replyId,
  })
  commentId: string;

  @ApiProperty({ format: 'uuid', example: EXAMPLE.articleId })
  articleId: string;

  @ApiProperty({ example: 'like' })
  kind: string;

  @ApiProperty({ format: 'date-time', example: EXAMPLE.createdAt })
  createdAt: string;
}

export class ExportReportDto {
  @ApiProperty({ format: 'uuid', example: 'e4d3c2b1-a0f9-4e8d-8c7b-6a5f4e3d2c1b' })
  id: string;

  @ApiProperty({ format: 'uuid', description: 'the comment reported (its text and author are not exported)', example: EXAMPLE.replyId })
  commentId: string;

  @ApiProperty({ format: 'uuid', example: EXAMPLE.articleId })
  articleId: string;

  @ApiProperty({ example: EXAMPLE.reportReason })
  reason: string;

  @ApiProperty({ format: 'date-time', example: EXAMPLE.createdAt })
  createdAt: string;
}

export class ExportAccountEventDto {
  @ApiProperty({ format: 'date-time', example: EXAMPLE.createdAt })
  at: string;

  @ApiProperty({ description: 'e.g. ban, unban, role_change', example: 'ban' })
  action: string;

  @ApiProperty({ type: String, nullable: true, example: 'Повтарящи се обиди към други читатели' })
  reason: string | null;

  @ApiProperty({ enum: ACTORS, example: 'staff' })
  by: ExportActor;
}

export class ExportStaffActionDto {
  @ApiProperty({ format: 'date-time', example: EXAMPLE.createdAt })
  at: string;

  @ApiProperty({ description: 'e.g. approve, reject, ban, filter_add, article_settings', example: 'reject' })
  action: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, example: EXAMPLE.replyId })
  commentId: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, example: null })
  articleId: string | null;

  @ApiProperty({ type: String, enum: Object.values(CommentStatus), nullable: true, example: 'pending' })
  fromStatus: CommentStatus | null;

  @ApiProperty({ type: String, enum: Object.values(CommentStatus), nullable: true, example: 'rejected' })
  toStatus: CommentStatus | null;

  @ApiProperty({ type: String, nullable: true, example: 'Лични нападки' })
  reason: string | null;
}

export class ExportNoticeDto extends PickType(NoticeDto, [
  'id',
  'commentId',
  'category',
  'categorySpecification',
  'receivedAt',
  'status',
] as const) {
  @ApiProperty({ example: NOTICE_EXAMPLE.explanation })
  explanation: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'as you gave it (removed RETENTION_NOTICE_CONTACT_DAYS after the decision)',
    example: 'Мария Георгиева',
  })
  notifierName: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'maria.georgieva@example.bg' })
  notifierEmail: string | null;

  @ApiProperty({ enum: NOTICE_OUTCOMES, nullable: true, example: 'no_action' })
  outcome: (typeof NOTICE_OUTCOMES)[number] | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: "the moderator's explanation when the comment was kept",
    example: 'Мнение, не клевета.',
  })
  decisionExplanation: string | null;

  @ApiProperty({ example: false })
  manifestlyUnfounded: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2026-11-28T11:40:00.000Z' })
  decidedAt: string | null;
}

/** A statement of reasons about you, as GET /api/me/decisions shows it, with who decided as `staff` or `system`. */
export class ExportDecisionDto extends OmitType(StatementOfReasonsDto, ['commentRef', 'misuseWarning', 'appeals', 'redress'] as const) {
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'the comment concerned; null for account decisions',
    example: EXAMPLE.commentId,
  })
  commentId: string | null;

  @ApiProperty({ enum: ACTORS, example: 'staff' })
  by: ExportActor;
}

export class AccountExportDto {
  @ApiProperty({ enum: [EXPORT_FORMAT], example: EXPORT_FORMAT })
  format: typeof EXPORT_FORMAT;

  @ApiProperty({ type: 'integer', enum: [EXPORT_VERSION], example: EXPORT_VERSION })
  version: number;

  @ApiProperty({
    format: 'date-time',
    description: 'the moment the document shows (one consistent snapshot)',
    example: '2026-12-01T10:00:00.000Z',
  })
  generatedAt: string;

  @ApiProperty({ type: ExportAccountDto })
  account: ExportAccountDto;

  @ApiProperty({ type: [ExportIdentityDto], description: 'publisher sign-ins (SSO) linked to the account' })
  identities: ExportIdentityDto[];

  @ApiProperty({
    type: [ExportSessionDto],
    description: 'sign-ins still stored (ended ones are deleted RETENTION_SESSION_DAYS after they expired); no tokens',
  })
  sessions: ExportSessionDto[];

  @ApiProperty({
    type: [ExportCommentDto],
    description: 'every comment you wrote, whatever its status, deleted ones included, oldest first',
  })
  comments: ExportCommentDto[];

  @ApiProperty({ type: [ExportReportDto], description: 'reports you filed' })
  reports: ExportReportDto[];

  @ApiProperty({ type: [ExportReactionDto], description: 'your reactions to comments' })
  reactions: ExportReactionDto[];

  @ApiProperty({ type: [ExportMailDto], description: 'mails sent or queued to you (kept 90 days after they were sent); never their text' })
  mails: ExportMailDto[];

  @ApiProperty({ type: [ExportNoticeDto], description: 'notices of illegal content you sent while signed in (DSA Art. 16)' })
  notices: ExportNoticeDto[];

  @ApiProperty({ type: [ExportDecisionDto], description: 'statements of reasons about your comments and account (DSA Art. 17)' })
  decisions: ExportDecisionDto[];

  @ApiProperty({ type: [AppealDto], description: 'your appeals against them (DSA Art. 20)' })
  appeals: AppealDto[];

  @ApiProperty({ type: [ExportAccountEventDto], description: 'decisions about the account itself (bans, role changes)' })
  accountHistory: ExportAccountEventDto[];

  @ApiProperty({ type: [ExportStaffActionDto], description: 'for moderators and admins: what you did as staff (empty for readers)' })
  actionsAsStaff: ExportStaffActionDto[];
}
