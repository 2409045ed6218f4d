import { ApiProperty } from '@nestjs/swagger';
import { AuditEntryDto } from '../moderation/dto/moderation-response.dto.js';
import { StaffNoteDto } from '../staff-notes/staff-note.dto.js';
import { AdminUserDto } from '../users/dto/user.dto.js';

export class AuthorCommentCountsDto {
  @ApiProperty({ type: 'integer', example: 1 })
  pending: number;

  @ApiProperty({ type: 'integer', example: 42 })
  approved: number;

  @ApiProperty({ type: 'integer', example: 3 })
  rejected: number;

  @ApiProperty({ type: 'integer', example: 0 })
  spam: number;

  @ApiProperty({ type: 'integer', description: 'deleted (by the author or by staff), whatever their status', example: 2 })
  deleted: number;

  @ApiProperty({ type: 'integer', description: 'not deleted, reported at least once', example: 1 })
  reported: number;
}

/** Everything the console's author drawer shows about an account, in one request. */
export class UserHistoryDto {
  @ApiProperty({ description: "the admin view: role, ban in force, `createdAt` (the account's age)" })
  user: AdminUserDto;

  @ApiProperty({ description: 'their comments by status' })
  comments: AuthorCommentCountsDto;

  @ApiProperty({
    type: [AuditEntryDto],
    description:
      'the latest 20 audit entries about them: decisions on their comments (automatic ones included), bans, role changes, notes added (GET /api/admin/audit-log?targetUser= pages further)',
  })
  decisions: AuditEntryDto[];

  @ApiProperty({ type: [StaffNoteDto], description: 'the latest 20 staff notes (GET /api/admin/users/{id}/notes pages further)' })
  notes: StaffNoteDto[];
}
