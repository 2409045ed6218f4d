import { Module } from '@nestjs/common';
import { AdminListsController } from './admin-lists.controller.js';
import { AdminListsService } from './admin-lists.service.js';

/** Lists for the moderation console: accounts and articles. */
@Module({ controllers: [AdminListsController], providers: [AdminListsService] })
export class AdminListsModule {}
