import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsUUID } from 'class-validator';
import { IsOptional } from '../../common/validation/is-optional.decorator.js';
import { PageQueryDto } from '../../common/pagination.js';

export class ListCommentsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    enum: ['oldest', 'newest', 'top', 'replies'],
    default: 'oldest',
    description:
      '`top`: most reactions first, `replies`: most direct replies first, newest first among equals (docs/api.md, "Comment orders": a score can change while you page)',
  })
  @IsOptional()
  @IsIn(['oldest', 'newest', 'top', 'replies'])
  sort: 'oldest' | 'newest' | 'top' | 'replies' = 'oldest';

  @ApiPropertyOptional({ enum: ['true'], description: "only editors' picks (featured by a moderator); ignored with parentId or rootId" })
  @IsOptional()
  @IsIn(['true'])
  featured?: 'true';

  @ApiPropertyOptional({ format: 'uuid', description: 'only direct replies to this comment' })
  @IsOptional()
  @IsUUID()
  parentId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'only replies (any depth) in the thread of this top-level comment' })
  @IsOptional()
  @IsUUID()
  rootId?: string;
}
