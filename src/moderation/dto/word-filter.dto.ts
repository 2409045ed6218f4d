import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { IsOptional } from '../../common/validation/is-optional.decorator.js';
import { PageQueryDto } from '../../common/pagination.js';

export const WORD_FILTER_KINDS = ['banned', 'suspect'] as const;

export class CreateWordFilterDto {
  @ApiProperty({
    description: 'a word or a phrase of up to 5 words; a trailing * matches every word starting with it (the last word of a phrase)',
    example: 'идиот',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  word: string;

  @ApiProperty({ enum: WORD_FILTER_KINDS, description: 'banned: rejected at once; suspect: held for moderation' })
  @IsIn(WORD_FILTER_KINDS)
  kind: 'banned' | 'suspect';
}

export class WordFilterListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: WORD_FILTER_KINDS })
  @IsOptional()
  @IsIn(WORD_FILTER_KINDS)
  kind?: 'banned' | 'suspect';
}
