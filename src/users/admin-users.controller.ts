import { Body, Controller, Get, Param, Patch } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth/auth-user.js';
import { CurrentUser, Roles } from '../common/auth/decorators.js';
import { Endpoint } from '../common/openapi/endpoint.decorator.js';
import { ChangeRoleDto, UserIdParam } from './dto/admin-user.dto.js';
import { AdminUserResponse } from './dto/user.dto.js';
import { UsersService } from './users.service.js';

/** Account administration. Bans live in the moderation module (POST/DELETE /api/admin/users/:id/ban). */
@ApiTags('admin')
@Roles('moderator', 'admin')
@Controller('admin/users')
export class AdminUsersController {
  constructor(private readonly users: UsersService) {}

  @Get(':id')
  @Endpoint({
    operationId: 'getUser',
    summary: "A user's admin view",
    description: 'Role, ban state and approved comments.',
    type: AdminUserResponse,
    errors: ['USER_NOT_FOUND'],
  })
  async get(@Param() { id }: UserIdParam): Promise<AdminUserResponse> {
    return { user: await this.users.getAdminView(id) };
  }

  /** Only admins grant or remove roles (moderators must not be able to promote themselves). */
  @Roles('admin')
  @Patch(':id')
  @Endpoint({
    operationId: 'changeUserRole',
    summary: "Change a user's role",
    description:
      'Audited. The last active admin cannot be demoted; of two admins changing each other at once, the second finds it no longer may.',
    type: AdminUserResponse,
    errors: ['ACTOR_NO_LONGER_ALLOWED', 'USER_NOT_FOUND', 'LAST_ADMIN'],
  })
  async changeRole(@Param() { id }: UserIdParam, @Body() dto: ChangeRoleDto, @CurrentUser() actor: AuthUser): Promise<AdminUserResponse> {
    return { user: await this.users.changeRole(actor, id, dto.role) };
  }
}
