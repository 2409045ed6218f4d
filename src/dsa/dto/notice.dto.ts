import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { IsOptional } from '../../common/validation/is-optional.decorator.js';
import { Type } from 'class-transformer';
import { NormalizedText, TextLength } from '../../comment-core/comment-text.js';
import { EXAMPLE } from '../../common/openapi/examples.js';
import { CategorySpecification } from './statement-fields.dto.js';
import {
  ANONYMOUS_NOTICE_KEYWORDS,
  KEYWORDS,
  type Keyword,
  STATEMENT_CATEGORIES,
  type StatementCategory,
} from '../transparency-database.js';
import { UuidParams } from '../../common/validation/id-param.dto.js';

export class NoticeIdParam extends UuidParams('noticeId') {}

export const NOTICE_EXAMPLE = {
  id: 'a7c3e1f2-9b4d-4c6e-8a1f-2d3e4f5a6b7c',
  accessKey: 'nk_Xq3v9Tz2LmA8pR6sW1yB4cD7eF0gH5jK',
  explanation: 'Коментарът твърди, че конкретен общински съветник е взел подкуп, без никакво доказателство: клевета по чл. 147 НК.',
} as const;

/** The fields of a notice itself (DSA Art. 16(2)); shared by POST /api/notices and a report flagged as a notice. */
export class NoticeFieldsDto {
  @ApiProperty({
    enum: STATEMENT_CATEGORIES,
    description: 'the kind of illegal content alleged (the Transparency Database categories)',
    example: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
  })
  @IsIn(STATEMENT_CATEGORIES)
  category: StatementCategory;

  @ApiPropertyOptional({
    enum: KEYWORDS,
    isArray: true,
    description: `keywords refining the category; a notice naming ${ANONYMOUS_NOTICE_KEYWORDS.join(', ')} may be sent without name and email (Art. 16(2)(c))`,
    example: ['KEYWORD_DEFAMATION'],
  })
  @CategorySpecification()
  categorySpecification?: Keyword[];

  @ApiProperty({
    enum: [true],
    description: 'you confirm in good faith that the notice is accurate and complete (Art. 16(2)(d)); must be true',
    example: true,
  })
  @IsIn([true], { message: 'goodFaith must be true: confirm that the notice is accurate and complete' })
  goodFaith: true;
}

export class CreateNoticeDto extends NoticeFieldsDto {
  @ApiProperty({ format: 'uuid', description: 'the comment (its URL is /api/comments/{commentId})', example: EXAMPLE.commentId })
  @IsUUID()
  commentId: string;

  @ApiProperty({
    description: 'why the comment is illegal content (Art. 16(2)(a)): 1-5000 Unicode code points',
    example: NOTICE_EXAMPLE.explanation,
  })
  @NormalizedText()
  @IsString()
  @TextLength(5000)
  explanation: string;

  @ApiPropertyOptional({
    description: "required unless the notice names a child sexual abuse keyword; a signed-in reader's account name by default",
    example: 'Мария Георгиева',
  })
  @IsOptional()
  @NormalizedText()
  @IsString()
  @TextLength(200)
  notifierName?: string;

  @ApiPropertyOptional({
    format: 'email',
    description: "required unless the notice names a child sexual abuse keyword; a signed-in reader's account email by default",
    example: 'maria.georgieva@example.bg',
  })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  notifierEmail?: string;
}

/** A reader's report can also be a notice of illegal content (then it gets the notice's outcome too). */
export class ReportNoticeDto extends NoticeFieldsDto {}

export class DismissNoticeDto {
  @ApiProperty({
    enum: ['no_action'],
    description: 'to act on a notice, decide its comment (PATCH /api/admin/comments/{id}): that closes every open notice on it',
    example: 'no_action',
  })
  @IsIn(['no_action'])
  outcome: 'no_action';

  @ApiProperty({
    description: 'what the notifier is told (Art. 16(5)); 1-2000 Unicode code points',
    example: 'Коментарът изразява мнение по обществено значим въпрос и не съдържа незаконно съдържание.',
  })
  @NormalizedText()
  @IsString()
  @TextLength(2000)
  explanation: string;

  @ApiPropertyOptional({
    default: false,
    description: 'the notice is manifestly unfounded: counts towards putting the notifier on hold (DSA Art. 23(2))',
    example: false,
  })
  @IsOptional()
  @IsBoolean()
  manifestlyUnfounded?: boolean;
}

export class ReportWithNoticeFields {
  @ApiPropertyOptional({
    type: ReportNoticeDto,
    description:
      'also a notice of illegal content (DSA Art. 16): its category and the good-faith confirmation; the reason is its explanation',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => ReportNoticeDto)
  notice?: ReportNoticeDto;
}

export const NOTICE_OUTCOMES = ['action_taken', 'no_action', 'content_unavailable'] as const;

export class NoticeDecisionDto {
  @ApiProperty({
    enum: NOTICE_OUTCOMES,
    description: 'action_taken: the comment was restricted; no_action: it stays; content_unavailable: its author deleted it first',
    example: 'action_taken',
  })
  outcome: (typeof NOTICE_OUTCOMES)[number];

  @ApiProperty({ format: 'date-time', example: '2026-11-28T11:40:00.000Z' })
  decidedAt: string;

  @ApiProperty({
    description: "why (the ground and explanation of the restriction, or the moderator's explanation)",
    example: 'Съдържанието е незаконно (чл. 147 НК): коментарът е премахнат.',
  })
  explanation: string;

  @ApiProperty({ description: 'whether the decision was taken by automated means (Art. 16(6))', example: false })
  automatedDecision: boolean;

  @ApiProperty({
    description: 'how to contest the decision (Art. 16(5))',
    example: 'You may turn to a certified out-of-court dispute settlement body (DSA Art. 21) or to the courts.',
  })
  redress: string;
}

export class MisuseWarningDto {
  @ApiProperty({ format: 'date-time', example: '2026-11-28T11:40:00.000Z' })
  issuedAt: string;

  @ApiProperty({
    example: 'Several of your notices were found manifestly unfounded. Further ones will not be processed for a period (DSA Art. 23(2)).',
  })
  message: string;
}

export class NoticeDto {
  @ApiProperty({ format: 'uuid', example: NOTICE_EXAMPLE.id })
  id: string;

  @ApiProperty({ enum: ['received', 'decided'], example: 'received' })
  status: 'received' | 'decided';

  @ApiProperty({ format: 'date-time', description: 'the confirmation of receipt (Art. 16(4))', example: EXAMPLE.createdAt })
  receivedAt: string;

  @ApiProperty({ format: 'uuid', example: EXAMPLE.commentId })
  commentId: string;

  @ApiProperty({ enum: STATEMENT_CATEGORIES, example: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH' })
  category: StatementCategory;

  @ApiProperty({ enum: KEYWORDS, isArray: true, example: ['KEYWORD_DEFAMATION'] })
  categorySpecification: Keyword[];

  @ApiProperty({ type: NoticeDecisionDto, nullable: true, description: 'null until decided' })
  decision: NoticeDecisionDto | null;

  @ApiProperty({ type: MisuseWarningDto, nullable: true, description: 'a prior warning this notice led to (DSA Art. 23(2))' })
  warning: MisuseWarningDto | null;
}

export class NoticeReceiptDto {
  @ApiProperty()
  notice: NoticeDto;

  @ApiProperty({
    description: 'shown once: send it as the Notice-Key header to read the outcome (GET /api/notices/{id})',
    example: NOTICE_EXAMPLE.accessKey,
  })
  accessKey: string;
}

export class NoticeResponse {
  @ApiProperty()
  notice: NoticeDto;
}

/** An open notice as a moderator sees it in the queue. */
export class QueueNoticeDto {
  @ApiProperty({ format: 'uuid', example: NOTICE_EXAMPLE.id })
  id: string;

  @ApiProperty({ enum: STATEMENT_CATEGORIES, example: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH' })
  category: StatementCategory;

  @ApiProperty({ enum: KEYWORDS, isArray: true, example: ['KEYWORD_DEFAMATION'] })
  categorySpecification: Keyword[];

  @ApiProperty({ example: NOTICE_EXAMPLE.explanation })
  explanation: string;

  @ApiProperty({ format: 'date-time', example: EXAMPLE.createdAt })
  receivedAt: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'how long it has been waiting', example: 5400 })
  ageSeconds: number;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'null for an anonymous notice (or after the retention period)',
    example: 'Мария Георгиева',
  })
  notifierName: string | null;

  @ApiProperty({ description: 'filed by a signed-in reader', example: false })
  notifierSignedIn: boolean;
}
