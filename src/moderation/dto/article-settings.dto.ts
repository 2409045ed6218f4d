import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsObject, IsString, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { TriageOverridesDto } from '../../triage/triage.dto.js';
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

  @ApiPropertyOptional({
    type: TriageOverridesDto,
    description:
      "this article's overrides of the triage rules (docs/triage.md): each section given replaces the newsroom's section here; `{}` removes them. Replaces the article's previous overrides",
    example: { links: { hold: 'everyone', maxLinks: 0, allowedDomains: [] } },
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TriageOverridesDto)
  triage?: TriageOverridesDto;

  @ApiPropertyOptional({ description: 'recorded in the audit log', example: 'Темата привлича обиди' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason?: string;
}
