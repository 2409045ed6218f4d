import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsUUID, Matches } from 'class-validator';
import { IsOptional } from '../../common/validation/is-optional.decorator.js';
import { PageQueryDto } from '../../common/pagination.js';
import { SLUG_PATTERN } from '../../common/validation/slug.js';

export class AuditLogQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'comment id' })
  @IsOptional()
  @IsUUID()
  comment?: string;

  @ApiPropertyOptional({ description: 'moderator (actor) user id' })
  @IsOptional()
  @IsUUID()
  moderator?: string;

  @ApiPropertyOptional({ description: 'target user id (bans, ban rejections)' })
  @IsOptional()
  @IsUUID()
  targetUser?: string;

  @ApiPropertyOptional({ description: 'article slug (settings changes on that article)' })
  @IsOptional()
  @Matches(SLUG_PATTERN, { message: 'article must be an article slug' })
  article?: string;
}
