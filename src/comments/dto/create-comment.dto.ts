import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, IsUUID } from 'class-validator';
import { IsOptional } from '../../common/validation/is-optional.decorator.js';
import { NormalizedText, TextLength } from '../../comment-core/comment-text.js';

export const COMMENT_MAX_LENGTH = 5000;

export class CreateCommentDto {
  @ApiProperty({
    description:
      'Plain text, 1-5000 Unicode code points after trimming; CRLF becomes \\n, control characters other than \\n and \\t are removed',
    example: 'Много добра статия.',
  })
  @NormalizedText()
  @IsString()
  @TextLength(COMMENT_MAX_LENGTH)
  body: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'an approved comment of the same article' })
  @IsOptional()
  @IsUUID()
  parentId?: string;
}
