import { ApiProperty } from '@nestjs/swagger';
import { EXAMPLE } from '../common/openapi/examples.js';
import { UserRefDto } from '../users/dto/user.dto.js';

/** One entry of the banned / suspect word lists, as the admin API shows it. */
export class WordFilterDto {
  @ApiProperty({ format: 'uuid', example: 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f' })
  id: string;

  @ApiProperty({ description: 'as the admin typed it: a word or a phrase of up to 5 words, optionally ending in *', example: 'идиот*' })
  word: string;

  @ApiProperty({ description: 'the form it is matched in', example: 'идиот' })
  normalized: string;

  @ApiProperty({ enum: ['banned', 'suspect'], example: 'banned' })
  kind: 'banned' | 'suspect';

  @ApiProperty({ format: 'date-time', example: EXAMPLE.createdAt })
  createdAt: string;

  @ApiProperty({ type: UserRefDto, nullable: true })
  createdBy: UserRefDto | null;
}
