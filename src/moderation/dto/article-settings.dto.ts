import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { IsOptional } from '../../common/validation/is-optional.decorator.js';

export class ArticleSettingsDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  commentsOpen?: boolean;

  @ApiPropertyOptional({ enum: ['pre', 'post'], description: 'switching to post does not approve comments already pending' })
  @IsOptional()
  @IsIn(['pre', 'post'])
  moderation?: 'pre' | 'post';

  @ApiPropertyOptional({ description: 'trusted readers skip pre-moderation on this article' })
  @IsOptional()
  @IsBoolean()
  trustedBypass?: boolean;

  @ApiPropertyOptional({ description: 'recorded in the audit log', example: 'Темата привлича обиди' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason?: string;
}
