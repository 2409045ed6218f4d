import { ApiProperty } from '@nestjs/swagger';
import { UuidParams } from '../../common/validation/id-param.dto.js';
import { IsIn, IsString, Matches } from 'class-validator';
import { Role } from '../../generated/prisma/enums.js';

const ROLES = Object.values(Role);

export class UserIdParam extends UuidParams('userId') {}

export class ChangeRoleDto {
  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES, { message: `role must be one of: ${ROLES.join(', ')}` })
  role: Role;
}

export class SetBadgeDto {
  @ApiProperty({
    description:
      'lowercase letters, digits, `_` or `-`, up to 32 (e.g. `staff`, `journalist`, `editor`); the widget shows it next to the name',
    example: 'journalist',
  })
  @IsString()
  @Matches(/^[a-z][a-z0-9_-]{0,31}$/)
  badge: string;
}
