import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { IsOptional } from '../../common/validation/is-optional.decorator.js';
import { PageQueryDto } from '../../common/pagination.js';
import { SLUG_PATTERN } from '../../common/validation/slug.js';
import { HOLD_SOURCES, type HoldSource } from '../../holds/comment-holds.js';

export const QUEUE_STATUSES = ['pending', 'approved', 'rejected', 'spam', 'reported', 'reported_open', 'noticed', 'deleted'] as const;
export type QueueStatus = (typeof QUEUE_STATUSES)[number];

export class QueueQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    enum: QUEUE_STATUSES,
    default: 'pending',
    description:
      'pending, reported_open (reported, and not decided by a moderator since the latest report: the reports to review) and noticed (comments with notices of illegal content to decide, DSA Art. 16) are oldest first (work the queue in order); every other view is newest first (reported: reported at least once)',
  })
  @IsOptional()
  @IsIn(QUEUE_STATUSES)
  status: QueueStatus = 'pending';

  @ApiPropertyOptional({ description: 'article slug' })
  @IsOptional()
  @Matches(SLUG_PATTERN, { message: 'article must be an article slug' })
  article?: string;

  @ApiPropertyOptional({ description: 'author user id' })
  @IsOptional()
  @IsUUID()
  author?: string;

  @ApiPropertyOptional({ description: 'case-insensitive substring of the body' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({
    enum: [...HOLD_SOURCES, 'automatic'],
    description:
      'only comments held by this source (see `hold`); `automatic`: by any source that holds on posting (word_filter, rule, classifier, spam_service), the console\'s "flagged" queue with status=pending',
  })
  @IsOptional()
  @IsIn([...HOLD_SOURCES, 'automatic'])
  holdSource?: HoldSource | 'automatic';
}
