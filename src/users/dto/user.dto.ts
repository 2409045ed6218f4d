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

/**
 * A ban: when it began, when it lifts itself and why. The one shape of a ban wherever one appears (the account's
 * own view, the admin view, the data export). DSA Art. 17: the statement of reasons is in GET /api/me/decisions.
 */
export class UserBanDto {
  @ApiProperty({ format: 'date-time', description: 'when it was imposed', example: '2026-12-17T10:00:00.000Z' })
  since: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'when it lifts itself; null = until lifted (by staff, or by an appeal)',
    example: '2026-12-24T10:00:00.000Z',
  })
  until: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: "the reason given with the ban (a moderator's, or the DSA Art. 23(1) suspension's)",
    example: 'repeated insults',
  })
  reason: string | null;
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

  @ApiProperty({
    type: UserBanDto,
    nullable: true,
    description:
      'null unless the account is banned (suspended) now. A banned account may sign in, read the decisions about it and appeal them, export and erase its data; everything else answers 403 `USER_BANNED`.',
    example: null,
  })
  ban: UserBanDto | null;
}

/** The admin view: the account's own fields (its `ban` included: null when none is in force), and its counts. */
export class AdminUserDto extends UserDto {
  @ApiProperty({ type: 'integer', description: 'approved, not deleted comments', example: 42 })
  approvedCommentCount: number;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'the mark readers see next to the name in comment views (e.g. `staff`, `journalist`); not a permission',
    example: null,
  })
  badge: string | null;
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
