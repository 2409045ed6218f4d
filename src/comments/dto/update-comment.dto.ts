import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { NormalizedText, TextLength } from '../../comment-core/comment-text.js';
import { COMMENT_MAX_LENGTH } from './create-comment.dto.js';

export class UpdateCommentDto {
  @ApiProperty({ description: 'the new body; same rules as when posting', example: 'Съвместното производство с Япония е разумна стъпка.' })
  @NormalizedText()
  @IsString()
  @TextLength(COMMENT_MAX_LENGTH)
  body: string;
}
