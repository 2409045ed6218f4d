import { Body, Controller, Delete, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth/auth-user.js';
import { CurrentUser, Roles } from '../common/auth/decorators.js';
import { BanDto } from './dto/ban.dto.js';
import { IdParamDto } from './dto/queue.dto.js';
import { UserBansService } from './user-bans.service.js';

@ApiTags('admin')
@ApiBearerAuth()
@Roles('moderator', 'admin')
@Controller('admin/users')
export class UserBansController {
  constructor(private readonly bans: UserBansService) {}

  @Post(':id/ban')
  @HttpCode(200)
  ban(@Param() { id }: IdParamDto, @Body() dto: BanDto, @CurrentUser() user: AuthUser) {
    return this.bans.ban(user, id, dto);
  }

  @Delete(':id/ban')
  unban(@Param() { id }: IdParamDto, @CurrentUser() user: AuthUser) {
    return this.bans.unban(user, id);
  }
}
