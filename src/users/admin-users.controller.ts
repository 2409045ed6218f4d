import { Body, Controller, Delete, Get, Param, Patch, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth/auth-user.js';
import { CurrentUser, Roles } from '../common/auth/decorators.js';
import { Endpoint } from '../common/openapi/endpoint.decorator.js';
import { ChangeRoleDto, SetBadgeDto, UserIdParam } from './dto/admin-user.dto.js';
import { AdminUserResponse } from './dto/user.dto.js';
import { UsersService } from './users.service.js';

/** Account administration. Bans live in the moderation module (POST/DELETE /api/admin/users/:userId/ban). */
@ApiTags('admin')
@Roles('moderator', 'admin')
@Controller('admin/users')
export class AdminUsersController {
  constructor(private readonly users: UsersService) {}

  @Get(':userId')
  @Endpoint({
    operationId: 'getUser',
    summary: "A user's admin view",
    description: 'Role, ban state and approved comments.',
    type: AdminUserResponse,
    errors: ['USER_NOT_FOUND'],
  })
  async get(@Param() { userId }: UserIdParam): Promise<AdminUserResponse> {
    return { user: await this.users.getAdminView(userId) };
  }

  /** Only admins grant or remove roles (moderators must not be able to promote themselves). */
  @Roles('admin')
  @Patch(':userId')
  @Endpoint({
    operationId: 'changeUserRole',
    summary: "Change a user's role",
    description:
      'Audited. The last active admin cannot be demoted; of two admins changing each other at once, the second finds it no longer may.',
    type: AdminUserResponse,
    errors: ['ACTOR_NO_LONGER_ALLOWED', 'USER_NOT_FOUND', 'LAST_ADMIN'],
  })
  async changeRole(
    @Param() { userId }: UserIdParam,
    @Body() dto: ChangeRoleDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<AdminUserResponse> {
    return { user: await this.users.changeRole(actor, userId, dto.role) };
  }

  @Roles('admin')
  @Put(':userId/badge')
  @Endpoint({
    operationId: 'setUserBadge',
    summary: 'Give a user a badge (e.g. staff, journalist)',
    description:
      "Audited (`badge_change`). Readers see it as `author.badge` in comment views; it grants nothing (roles do). A publisher sign-in with SSO_BADGE_CLAIM set keeps it in step with the publisher's claim.",
    type: AdminUserResponse,
    errors: ['ACTOR_NO_LONGER_ALLOWED', 'USER_NOT_FOUND'],
  })
  async setBadge(@Param() { userId }: UserIdParam, @Body() dto: SetBadgeDto, @CurrentUser() actor: AuthUser): Promise<AdminUserResponse> {
    return { user: await this.users.setBadge(actor, userId, dto.badge) };
  }

  @Roles('admin')
  @Delete(':userId/badge')
  @Endpoint({
    operationId: 'removeUserBadge',
    summary: "Take a user's badge away",
    description: 'Audited (`badge_change`); without a badge there is nothing to take away.',
    type: AdminUserResponse,
    errors: ['ACTOR_NO_LONGER_ALLOWED', 'USER_NOT_FOUND'],
  })
  async removeBadge(@Param() { userId }: UserIdParam, @CurrentUser() actor: AuthUser): Promise<AdminUserResponse> {
    return { user: await this.users.setBadge(actor, userId, null) };
  }
}
