import { Module } from '@nestjs/common';

/** Admin user management (roles, bans) lives here. */
@Module({})
export class UsersModule {}
