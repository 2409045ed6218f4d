import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { ReportWithNoticeFields } from '../../dsa/dto/notice.dto.js';
import { NormalizedText, TextLength } from '../../comment-core/comment-text.js';

export class ReportCommentDto extends ReportWithNoticeFields {
  @ApiProperty({
    description: 'why the comment breaks the rules: free text, 1-500 Unicode code points',
    example: 'Обиди към други читатели',
  })
  @NormalizedText()
  @IsString()
  @TextLength(500)
  reason: string;
}
