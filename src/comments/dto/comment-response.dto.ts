import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { StatementOfReasonsDto } from '../../dsa/dto/decision.dto.js';
import { NoticeDto } from '../../dsa/dto/notice.dto.js';
import { EXAMPLE } from '../../common/openapi/examples.js';
import { PageOf } from '../../common/openapi/page.dto.js';
import { CommentStatus } from '../../generated/prisma/enums.js';
import { UserRefDto } from '../../users/dto/user.dto.js';

export class CommentAuthorDto extends UserRefDto {
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      "a visible mark the newsroom gives the author (e.g. `staff`, `journalist`), set by an admin or the publisher's sign-in; not a permission",
    example: null,
  })
  badge: string | null;
}

export class CommentDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE.commentId })
  id: string;

  @ApiProperty({ type: String, nullable: true, description: 'null once deleted', example: EXAMPLE.commentBody })
  body: string | null;

  @ApiProperty({
    type: CommentAuthorDto,
    nullable: true,
    description:
      'null once deleted, and when the author erased their account (then `deleted` is false and the body stays: show "deleted account")',
  })
  author: CommentAuthorDto | null;

  @ApiProperty({
    enum: Object.values(CommentStatus),
    description: 'readers see approved ones, and their own pending ones',
    example: 'approved',
  })
  status: CommentStatus;

  @ApiProperty({ description: 'a deleted comment stays as a placeholder so its replies keep their thread', example: false })
  deleted: boolean;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, example: null })
  parentId: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'the top-level comment of the thread', example: null })
  rootId: string | null;

  @ApiProperty({ type: 'integer', minimum: 0, example: 0 })
  depth: number;

  @ApiProperty({ format: 'date-time', example: EXAMPLE.createdAt })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null })
  editedAt: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer', minimum: 1 },
    description: "readers' reactions by kind (REACTION_KINDS); kinds nobody gave are absent",
    example: { like: 3 },
  })
  reactions: Record<string, number>;

  @ApiProperty({ description: "an editors' pick: a moderator featured it", example: false })
  featured: boolean;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'only in what a signed-in reader reads: their own reaction to this comment (null for none)',
    example: 'like',
  })
  myReaction?: string | null;

  @ApiPropertyOptional({
    type: StatementOfReasonsDto,
    nullable: true,
    description:
      'GET /api/comments/{id} for its author only: the latest decision restricting it (statement of reasons, DSA Art. 17) with its appeals; null when there is none',
    example: null,
  })
  decision?: StatementOfReasonsDto | null;
}

export class CommentResponse {
  @ApiProperty()
  comment: CommentDto;
}

export const CommentPage = PageOf(CommentDto, 'CommentPage');

export class ReportDto {
  @ApiProperty({ format: 'uuid', example: 'e4d3c2b1-a0f9-4e8d-8c7b-6a5f4e3d2c1b' })
  id: string;

  @ApiProperty({ format: 'uuid', example: EXAMPLE.commentId })
  commentId: string;

  @ApiProperty({ example: EXAMPLE.reportReason })
  reason: string;

  @ApiProperty({ format: 'date-time', example: EXAMPLE.createdAt })
  createdAt: string;
}

export class ReportResponse {
  @ApiProperty()
  report: ReportDto;

  @ApiPropertyOptional({
    type: NoticeDto,
    description: 'when the report was also a notice (DSA Art. 16): its receipt; read its outcome at GET /api/notices/{id} while signed in',
  })
  notice?: NoticeDto;
}

export class CommentCountDto {
  @ApiProperty({ example: EXAMPLE.slug })
  slug: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'approved, not deleted comments', example: 12 })
  count: number;
}

export class CommentCountsDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer', minimum: 0 },
    description: 'every requested slug; unknown ones count 0',
    example: { [EXAMPLE.slug]: 12, 'nyama-takava-statia': 0 },
  })
  counts: Record<string, number>;

  @ApiProperty({ type: [String], description: 'requested slugs that name no article', example: ['nyama-takava-statia'] })
  unknown: string[];
}
