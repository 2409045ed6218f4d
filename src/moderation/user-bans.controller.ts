import { Body, Controller, Delete, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth/auth-user.js';
import { CurrentUser, Roles } from '../common/auth/decorators.js';
import { Endpoint } from '../common/openapi/endpoint.decorator.js';
import { AdminUserResponse, BanResultDto } from '../users/dto/user.dto.js';
import { BanDto } from './dto/ban.dto.js';
import { UserIdParam } from '../users/dto/admin-user.dto.js';
import { UserBansService } from './user-bans.service.js';

@ApiTags('admin')
@Roles('moderator', 'admin')
@Controller('admin/users')
export class UserBansController {
  constructor(private readonly bans: UserBansService) {}

  @Post(':userId/ban')
  @Endpoint({
    operationId: 'banUser',
    summary: 'Ban a user',
    description: 'Takes effect at once: sessions are revoked and every request of the user is refused. Moderators can ban readers only.',
    type: BanResultDto,
    errors: ['CANNOT_BAN_SELF', 'CANNOT_BAN_STAFF', 'ACTOR_NO_LONGER_ALLOWED', 'USER_NOT_FOUND'],
  })
  ban(@Param() { userId }: UserIdParam, @Body() dto: BanDto, @CurrentUser() user: AuthUser): Promise<BanResultDto> {
    return this.bans.ban(user, userId, dto);
  }

  @Delete(':userId/ban')
  @Endpoint({
    operationId: 'unbanUser',
    summary: 'Lift a ban',
    type: AdminUserResponse,
    errors: ['CANNOT_BAN_SELF', 'CANNOT_BAN_STAFF', 'ACTOR_NO_LONGER_ALLOWED', 'USER_NOT_FOUND', 'USER_NOT_BANNED'],
  })
  unban(@Param() { userId }: UserIdParam, @CurrentUser() user: AuthUser): Promise<AdminUserResponse> {
    return this.bans.unban(user, userId);
  }
}
