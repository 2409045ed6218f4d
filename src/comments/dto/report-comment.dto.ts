import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { NormalizedText, TextLength } from '../comment-text.js';

export class ReportCommentDto {
  @ApiProperty({ description: 'why the comment breaks the rules: free text, 1-500 Unicode code points', example: 'Обиди към други читатели' })
  @NormalizedText()
  @IsString()
  @TextLength(500)
  reason: string;
}
