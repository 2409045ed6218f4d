import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsUUID } from 'class-validator';
import { Role } from '../../generated/prisma/enums.js';

const ROLES = Object.values(Role);

export class UserIdParam {
  @ApiProperty({ format: 'uuid' })
  // 'loose': any well-formed uuid (what PostgreSQL accepts), so a malformed id is a 400, never a database error.
  @IsUUID('loose', { message: 'id must be a UUID' })
  id: string;
}

export class ChangeRoleDto {
  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES, { message: `role must be one of: ${ROLES.join(', ')}` })
  role: Role;
}
