import { Body, Controller, Get, Param, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth/auth-user.js';
import { CurrentUser, Roles } from '../common/auth/decorators.js';
import { ChangeRoleDto, UserIdParam } from './dto/admin-user.dto.js';
import { UsersService } from './users.service.js';

/** Account administration. Bans live in the moderation module (POST/DELETE /api/admin/users/:id/ban). */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('moderator', 'admin')
@Controller('admin/users')
export class AdminUsersController {
  constructor(private readonly users: UsersService) {}

  @Get(':id')
  async get(@Param() { id }: UserIdParam) {
    return { user: await this.users.getAdminView(id) };
  }

  /** Only admins grant or remove roles (moderators must not be able to promote themselves). */
  @Roles('admin')
  @Patch(':id')
  async changeRole(@Param() { id }: UserIdParam, @Body() dto: ChangeRoleDto, @CurrentUser() actor: AuthUser) {
    return { user: await this.users.changeRole(actor, id, dto.role) };
  }
}
