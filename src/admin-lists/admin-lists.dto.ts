import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { PageQueryDto } from '../common/pagination.js';
import { PageOf } from '../common/openapi/page.dto.js';
import { IsOptional } from '../common/validation/is-optional.decorator.js';
import { Role } from '../generated/prisma/enums.js';
import { ArticleSettingsViewDto } from '../moderation/dto/moderation-response.dto.js';
import { AdminUserDto } from '../users/dto/user.dto.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class UserListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'start of the username, or the whole email (case-insensitive)', example: 'ivan' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ enum: Object.values(Role), description: 'only this role (e.g. the staff: moderator, admin)' })
  @IsOptional()
  @IsIn(Object.values(Role))
  role?: Role;

  @ApiPropertyOptional({ enum: ['true'], description: 'only accounts banned now' })
  @IsOptional()
  @IsIn(['true'])
  banned?: 'true';
}

export const AdminUserPage = PageOf(AdminUserDto, 'AdminUserPage');

export class ArticleListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'case-insensitive part of the title or the slug', example: 'зеленски' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  q?: string;
}

/** An article's settings with the comments waiting on it. */
export class AdminArticleDto extends ArticleSettingsViewDto {
  @ApiProperty({ type: 'integer', description: 'pending, not deleted comments', example: 3 })
  pendingCount: number;

  @ApiProperty({ format: 'date-time', example: '2026-11-28T07:30:00.000Z' })
  publishedAt: string;
}

export const AdminArticlePage = PageOf(AdminArticleDto, 'AdminArticlePage');
