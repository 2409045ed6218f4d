import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { EXAMPLE } from '../../common/openapi/examples.js';

export class ReactDto {
  @ApiProperty({
    description: 'one of the kinds the newsroom offers (REACTION_KINDS, default `like`; GET /api/client-config lists them)',
    example: 'like',
  })
  @IsString()
  @Matches(/^[a-z][a-z0-9_-]{0,31}$/)
  kind: string;
}

export class ReactionsDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE.commentId })
  commentId: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer', minimum: 1 },
    description: "the comment's reactions by kind after the change; kinds nobody gave are absent",
    example: { like: 4 },
  })
  reactions: Record<string, number>;

  @ApiProperty({ type: String, nullable: true, description: 'your reaction now (null after DELETE)', example: 'like' })
  myReaction: string | null;
}

export class ReactionsResponse {
  @ApiProperty()
  reaction: ReactionsDto;
}
