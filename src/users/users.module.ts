import { Module } from '@nestjs/common';
import { AdminUsersController } from './admin-users.controller.js';
import { UsernamesService } from './usernames.service.js';
import { UsersService } from './users.service.js';

/**
 * Admin user management (the admin view of an account, role changes) and the username rules every account
 * creation path uses. Bans live in the moderation module.
 */
@Module({
  controllers: [AdminUsersController],
  providers: [UsersService, UsernamesService],
  exports: [UsersService, UsernamesService],
})
export class UsersModule {}
