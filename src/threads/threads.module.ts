import { Module } from '@nestjs/common';
import { ThreadsController } from './threads.controller.js';
import { ThreadsService } from './threads.service.js';

/** The discussion as threads (GET /api/articles/:slug/threads): the reader's widget and the article page. */
@Module({ controllers: [ThreadsController], providers: [ThreadsService], exports: [ThreadsService] })
export class ThreadsModule {}
