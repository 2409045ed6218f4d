import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { ArticleSummaryDto } from '../../articles/dto/article-response.dto.js';
import { CommentDto } from '../../comments/dto/comment-response.dto.js';
import { EXAMPLE } from '../../common/openapi/examples.js';
import { IsOptional } from '../../common/validation/is-optional.decorator.js';

export class ListThreadsQueryDto {
  @ApiPropertyOptional({
    enum: ['newest', 'oldest', 'top'],
    default: 'newest',
    description: 'order of the top-level comments; `top`: most reactions first, then newest (docs/api.md, "Comment orders")',
  })
  @IsOptional()
  @IsIn(['newest', 'oldest', 'top'])
  sort: 'newest' | 'oldest' | 'top' = 'newest';

  @ApiPropertyOptional({ minimum: 1, maximum: 50, default: 20, description: 'top-level comments per page' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  limit: number = 20;

  @ApiPropertyOptional({ minimum: 0, maximum: 20, default: 3, description: 'replies per thread, oldest first' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(20)
  replies: number = 3;

  @ApiPropertyOptional({ description: "opaque cursor from the previous page's nextCursor" })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

export class ReplyPageDto {
  @ApiProperty({
    type: [CommentDto],
    description: 'the first replies in the thread (any depth), oldest first',
    example: [
      {
        id: EXAMPLE.replyId,
        body: 'Съгласен съм, стига да не се бави с години.',
        author: { id: EXAMPLE.userId, username: EXAMPLE.username, badge: null },
        status: 'approved',
        deleted: false,
        parentId: EXAMPLE.commentId,
        rootId: EXAMPLE.commentId,
        depth: 1,
        createdAt: EXAMPLE.createdAt,
        editedAt: null,
        reactions: { like: 2 },
        featured: false,
      },
    ],
  })
  items: CommentDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'more replies follow: pass as `cursor` to GET /api/articles/{slug}/comments?rootId={id}&sort=oldest (null: none follow, or none were asked for)',
    example: null,
  })
  nextCursor: string | null;
}

export class ThreadDto extends CommentDto {
  @ApiProperty({ type: ReplyPageDto })
  replies: ReplyPageDto;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    maximum: 1000,
    description: 'replies in the thread this viewer may see (approved, and their own pending), counted up to 1000 (show "1000+")',
    example: 4,
  })
  replyCount: number;
}

export class ThreadPageDto {
  @ApiProperty({ type: ArticleSummaryDto, description: 'the article: its count, whether comments are open' })
  article: ArticleSummaryDto;

  @ApiProperty({ type: [ThreadDto] })
  items: ThreadDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'pass as `cursor` for the next page; null on the last page',
    example: EXAMPLE.cursor,
  })
  nextCursor: string | null;
}
