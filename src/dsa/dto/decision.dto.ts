import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString } from 'class-validator';
import { IsOptional } from '../../common/validation/is-optional.decorator.js';
import { NormalizedText, TextLength } from '../../comment-core/comment-text.js';
import { EXAMPLE } from '../../common/openapi/examples.js';
import { PageOf } from '../../common/openapi/page.dto.js';
import { PageQueryDto } from '../../common/pagination.js';
import { UserRefDto } from '../../users/dto/user.dto.js';
import {
  AUTOMATED_DECISIONS,
  type AutomatedDecision,
  DECISION_ACCOUNTS,
  DECISION_GROUNDS,
  DECISION_PROVISIONS,
  DECISION_VISIBILITIES,
  type DecisionAccount,
  type DecisionGround,
  type DecisionProvision,
  type DecisionVisibility,
  KEYWORDS,
  type Keyword,
  SOURCE_TYPES,
  type SourceType,
  STATEMENT_CATEGORIES,
  type StatementCategory,
} from '../transparency-database.js';
import { UuidParams } from '../../common/validation/id-param.dto.js';

export class AppealIdParam extends UuidParams('appealId') {}

export const DECISION_EXAMPLE_ID = 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f';
export const APPEAL_EXAMPLE_ID = 'f0e1d2c3-b4a5-4968-8776-5a4b3c2d1e0f';

export const APPEAL_STATUSES = ['open', 'upheld', 'reversed'] as const;
export type AppealStatusValue = (typeof APPEAL_STATUSES)[number];

export class AppealDto {
  @ApiProperty({ format: 'uuid', example: APPEAL_EXAMPLE_ID })
  id: string;

  @ApiProperty({ format: 'uuid', example: DECISION_EXAMPLE_ID })
  decisionId: string;

  @ApiProperty({ enum: APPEAL_STATUSES, description: 'upheld: the decision stands; reversed: the restriction was lifted', example: 'open' })
  status: AppealStatusValue;

  @ApiProperty({ example: 'Не съм обидил никого: цитирах думите на политика от статията.' })
  explanation: string;

  @ApiProperty({ type: String, nullable: true, description: 'the reasoned decision on the appeal (Art. 20(5))', example: null })
  outcomeExplanation: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-11-28T12:00:00.000Z' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null })
  decidedAt: string | null;
}

export class AppealResponse {
  @ApiProperty()
  appeal: AppealDto;
}

export class RedressDto {
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'the last moment to appeal here (DSA_APPEAL_WINDOW_MONTHS after the decision); null: not appealable any more',
    example: '2027-05-28T09:30:00.000Z',
  })
  appealUntil: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'where to send the appeal (POST, free of charge)',
    example: `/api/decisions/${DECISION_EXAMPLE_ID}/appeals`,
  })
  appealUrl: string | null;

  @ApiProperty({
    description: 'other redress (Art. 17(3)(f))',
    example: 'You may also turn to a certified out-of-court dispute settlement body (DSA Art. 21) or to the courts.',
  })
  otherRedress: string;
}

export class CommentRefDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE.commentId })
  id: string;

  @ApiProperty({ description: "the article's slug", example: EXAMPLE.slug })
  articleSlug: string;
}

export class MisuseWarningRefDto {
  @ApiProperty({ format: 'date-time', example: '2026-11-28T09:30:00.000Z' })
  issuedAt: string;

  @ApiProperty({
    example:
      'Several of your comments were found manifestly illegal. If this continues, your account will be suspended for a period (DSA Art. 23(1)).',
  })
  message: string;
}

/**
 * A statement of reasons (DSA Art. 17) as its recipient reads it: every field of the Transparency Database's
 * statement, in camelCase, with the exact values, plus its appeals and the redress open.
 */
export class StatementOfReasonsDto {
  @ApiProperty({ format: 'uuid', example: DECISION_EXAMPLE_ID })
  id: string;

  @ApiProperty({ description: 'the Platform Unique Identifier sent to the Transparency Database', example: DECISION_EXAMPLE_ID })
  puid: string;

  @ApiProperty({
    enum: [
      'reject',
      'spam',
      'delete',
      'filter_reject',
      'rule_reject',
      'check_reject',
      'ban_reject',
      'ban',
      'misuse_suspension',
      'notifier_hold',
    ],
    example: 'reject',
  })
  action: string;

  @ApiProperty({
    type: CommentRefDto,
    nullable: true,
    description: 'the comment concerned, as a reference (`comment` is the comment itself elsewhere); null for account decisions',
  })
  commentRef: CommentRefDto | null;

  @ApiProperty({ enum: DECISION_VISIBILITIES, isArray: true, example: ['DECISION_VISIBILITY_CONTENT_REMOVED'] })
  decisionVisibility: DecisionVisibility[];

  @ApiProperty({ enum: DECISION_ACCOUNTS, nullable: true, example: null })
  decisionAccount: DecisionAccount | null;

  @ApiProperty({ enum: DECISION_PROVISIONS, nullable: true, example: null })
  decisionProvision: DecisionProvision | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'when an account or service restriction ends; null: indefinite (or a content decision)',
    example: null,
  })
  restrictionEndsAt: string | null;

  @ApiProperty({ enum: DECISION_GROUNDS, example: 'DECISION_GROUND_INCOMPATIBLE_CONTENT' })
  decisionGround: DecisionGround;

  @ApiProperty({ type: String, nullable: true, example: 'https://www.example.bg/pravila-za-komentari' })
  decisionGroundReferenceUrl: string | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  illegalContentLegalGround: string | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  illegalContentExplanation: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Правила за коментари, т. 3: без лични нападки' })
  incompatibleContentGround: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Лична нападка срещу друг читател.' })
  incompatibleContentExplanation: string | null;

  @ApiProperty({ type: Boolean, nullable: true, example: null })
  incompatibleContentIllegal: boolean | null;

  @ApiProperty({ enum: STATEMENT_CATEGORIES, example: 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC' })
  category: StatementCategory;

  @ApiProperty({ enum: KEYWORDS, isArray: true, example: [] })
  categorySpecification: Keyword[];

  @ApiProperty({
    description: 'the facts and circumstances relied on (Art. 17(3)(b))',
    example: 'A moderator reviewed the comment and rejected it: Лична обида',
  })
  decisionFacts: string;

  @ApiProperty({
    enum: SOURCE_TYPES,
    description: 'SOURCE_ARTICLE_16: after a notice; SOURCE_VOLUNTARY: own initiative',
    example: 'SOURCE_VOLUNTARY',
  })
  sourceType: SourceType;

  @ApiProperty({ description: 'detected by automated means (the word filter)', example: false })
  automatedDetection: boolean;

  @ApiProperty({ enum: AUTOMATED_DECISIONS, example: 'AUTOMATED_DECISION_NOT_AUTOMATED' })
  automatedDecision: AutomatedDecision;

  @ApiProperty({ type: [String], description: 'EU/EEA country codes where the restriction applies', example: ['BG', 'DE'] })
  territorialScope: string[];

  @ApiProperty({
    description: 'the content was found manifestly illegal (counts towards suspension for misuse, DSA Art. 23(1))',
    example: false,
  })
  manifestlyIllegal: boolean;

  @ApiProperty({ format: 'date-time', description: 'when the decision was taken and applied', example: '2026-11-28T09:30:00.000Z' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'when the restriction was lifted', example: null })
  reversedAt: string | null;

  @ApiProperty({
    enum: ['appeal', 'moderation'],
    nullable: true,
    description: 'by an appeal, or by a later moderation decision',
    example: null,
  })
  reversedBy: 'appeal' | 'moderation' | null;

  @ApiProperty({ type: MisuseWarningRefDto, nullable: true, description: 'a prior warning this decision led to (DSA Art. 23(1))' })
  misuseWarning: MisuseWarningRefDto | null;

  @ApiProperty({ type: [AppealDto], description: 'oldest first', example: [] })
  appeals: AppealDto[];

  @ApiProperty({
    type: RedressDto,
    example: {
      appealUntil: '2027-05-28T09:30:00.000Z',
      appealUrl: `/api/decisions/${DECISION_EXAMPLE_ID}/appeals`,
      otherRedress: 'You may also turn to a certified out-of-court dispute settlement body (DSA Art. 21) or to the courts.',
    },
  })
  redress: RedressDto;
}

export class DecisionResponse {
  @ApiProperty()
  decision: StatementOfReasonsDto;
}

export const DecisionPage = PageOf(StatementOfReasonsDto, 'DecisionPage');

export class CreateAppealDto {
  @ApiProperty({
    description: 'why the decision is wrong: 1-5000 Unicode code points',
    example: 'Не съм обидил никого: цитирах думите на политика от статията.',
  })
  @NormalizedText()
  @IsString()
  @TextLength(5000)
  explanation: string;
}

export class DecideAppealDto {
  @ApiProperty({
    enum: ['upheld', 'reversed'],
    description: 'reversed lifts the restriction (the comment is published again, the suspension ends)',
    example: 'reversed',
  })
  @IsIn(['upheld', 'reversed'])
  outcome: 'upheld' | 'reversed';

  @ApiProperty({
    description: 'the reasoned decision the appellant reads: 1-5000 Unicode code points',
    example: 'Коментарът цитира статията и не е обиден; публикуван е отново.',
  })
  @NormalizedText()
  @IsString()
  @TextLength(5000)
  explanation: string;
}

export class AppealQueueQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: APPEAL_STATUSES, default: 'open', description: 'open: oldest first; decided ones: newest first' })
  @IsOptional()
  @IsIn(APPEAL_STATUSES)
  status: AppealStatusValue = 'open';
}

export class AppealQueueItemDto {
  @ApiProperty()
  appeal: AppealDto;

  @ApiProperty()
  decision: StatementOfReasonsDto;

  @ApiProperty({ type: UserRefDto, nullable: true, description: 'null once the account was erased' })
  appellant: UserRefDto | null;

  @ApiProperty({
    type: UserRefDto,
    nullable: true,
    description: 'who took the decision (they may not decide the appeal); null for automatic decisions',
  })
  decidedBy: UserRefDto | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'the comment as it was decided on (moderators only)',
    example: EXAMPLE.commentBody,
  })
  commentBody: string | null;
}

export const AppealQueuePage = PageOf(AppealQueueItemDto, 'AppealQueuePage');
