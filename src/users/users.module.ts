import { Module } from '@nestjs/common';
import { AdminUsersController } from './admin-users.controller.js';
import { UsersService } from './users.service.js';

/** Admin user management: the admin view of an account and role changes. Bans live in the moderation module. */
@Module({
  controllers: [AdminUsersController],
  providers: [UsersService],
  exports: [UsersService],
})
export class UsersModule {}
