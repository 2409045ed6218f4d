import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';

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
}
