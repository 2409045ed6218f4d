import { ApiProperty } from '@nestjs/swagger';
import { UuidParams } from '../common/validation/id-param.dto.js';
import { Transform } from 'class-transformer';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { NormalizedText } from '../comment-core/comment-text.js';
import { PageOf } from '../common/openapi/page.dto.js';
import { UserRefDto } from '../users/dto/user.dto.js';

export class CreateStaffNoteDto {
  @ApiProperty({ description: 'plain text, shown as text', example: 'Предупреден по телефона на 28.11; следващото нарушение е бан.' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @NormalizedText()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  body: string;
}

export class StaffNoteDto {
  @ApiProperty({ format: 'uuid', example: '8e7d6c5b-4a39-4281-9f0e-1d2c3b4a5f6e' })
  id: string;

  @ApiProperty({ format: 'uuid', description: 'the account it is about', example: '3d8e2f1a-6b4c-4d9e-8f7a-1b2c3d4e5f60' })
  userId: string;

  @ApiProperty({ example: 'Предупреден по телефона на 28.11; следващото нарушение е бан.' })
  body: string;

  @ApiProperty({ type: UserRefDto, nullable: true, description: 'the member of staff who wrote it; null when that account was erased' })
  author: UserRefDto | null;

  @ApiProperty({ format: 'date-time', example: '2026-11-28T09:12:45.120Z' })
  createdAt: string;
}

export class StaffNoteResponse {
  @ApiProperty()
  note: StaffNoteDto;
}

export const StaffNotePage = PageOf(StaffNoteDto, 'StaffNotePage');

export class NoteParamDto extends UuidParams('userId', 'noteId') {}
