import { ApiProperty } from '@nestjs/swagger';
import { EXAMPLE } from '../../common/openapi/examples.js';
import { Role } from '../../generated/prisma/enums.js';

/**
 * One user shape. Wherever a user appears it is at least a UserRef; the account's own view (UserDto) and the admin
 * view (AdminUserDto) add fields, never rename or retype them.
 */
export class UserRefDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE.userId })
  id: string;

  @ApiProperty({ example: EXAMPLE.username })
  username: string;
}

export class UserDto extends UserRefDto {
  @ApiProperty({
    type: String,
    format: 'email',
    nullable: true,
    description: 'null for an account created by a publisher sign-in without a (usable) email',
    example: EXAMPLE.email,
  })
  email: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: "the publisher's display name (SSO `name` claim, refreshed at each sign-in); not unique: the username is the handle",
    example: 'Иван Петров',
  })
  displayName: string | null;

  @ApiProperty({ enum: Object.values(Role), example: 'reader' })
  role: Role;

  @ApiProperty({ format: 'date-time', example: '2026-10-02T18:04:11.000Z' })
  createdAt: string;
}

export class AdminUserDto extends UserDto {
  @ApiProperty({ description: 'a ban is in force now (timed bans lift themselves)', example: false })
  banned: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null })
  bannedAt: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'null = until lifted', example: null })
  bannedUntil: string | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  banReason: string | null;

  @ApiProperty({ type: 'integer', description: 'approved, not deleted comments', example: 42 })
  approvedCommentCount: number;
}

export class UserResponse {
  @ApiProperty()
  user: UserDto;
}

export class AdminUserResponse {
  @ApiProperty()
  user: AdminUserDto;
}

export class BanResultDto {
  @ApiProperty()
  user: AdminUserDto;

  @ApiProperty({ type: 'integer', description: 'pending comments rejected with the ban (rejectPending)', example: 3 })
  rejectedComments: number;

  @ApiProperty({ type: 'integer', description: 'sessions (refresh-token families) revoked', example: 2 })
  revokedSessions: number;
}
