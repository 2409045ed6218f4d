import { Module } from '@nestjs/common';
import { ModerationModule } from '../moderation/moderation.module.js';
import { StaffNotesModule } from '../staff-notes/staff-notes.module.js';
import { UsersModule } from '../users/users.module.js';
import { UserHistoryController } from './user-history.controller.js';
import { UserHistoryService } from './user-history.service.js';

/** The console's author drawer: one request for an account's history. */
@Module({
  imports: [ModerationModule, StaffNotesModule, UsersModule],
  controllers: [UserHistoryController],
  providers: [UserHistoryService],
})
export class UserHistoryModule {}
