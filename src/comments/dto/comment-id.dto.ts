import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class CommentIdParam {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id: string;
}
