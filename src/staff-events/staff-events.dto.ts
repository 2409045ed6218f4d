import { ApiProperty } from '@nestjs/swagger';

/** The console's queue counts (what the staff event stream sends as `counts`). */
export class ConsoleCountsDto {
  @ApiProperty({ type: 'integer', description: 'pending, not deleted comments', example: 7 })
  pending: number;

  @ApiProperty({ type: 'integer', description: 'reports to review (queue status reported_open)', example: 2 })
  reportedOpen: number;

  @ApiProperty({
    type: 'integer',
    description: 'pending comments held automatically (holdSource=automatic: word filter, rules, classifier, spam service)',
    example: 1,
  })
  flagged: number;

  @ApiProperty({ type: 'integer', description: 'comments with notices of illegal content to decide (DSA Art. 16)', example: 0 })
  noticed: number;

  @ApiProperty({ type: 'integer', description: 'open appeals (DSA Art. 20)', example: 1 })
  appeals: number;
}
