import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsUUID } from 'class-validator';
import { IsOptional } from '../../common/validation/is-optional.decorator.js';
import { PageQueryDto } from '../../common/pagination.js';

export class ListCommentsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['oldest', 'newest'], default: 'oldest' })
  @IsOptional()
  @IsIn(['oldest', 'newest'])
  sort: 'oldest' | 'newest' = 'oldest';

  @ApiPropertyOptional({ format: 'uuid', description: 'only direct replies to this comment' })
  @IsOptional()
  @IsUUID()
  parentId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'only replies (any depth) in the thread of this top-level comment' })
  @IsOptional()
  @IsUUID()
  rootId?: string;
}
