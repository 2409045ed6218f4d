import { Module } from '@nestjs/common';
import { WordFilterService } from './word-filter.service.js';

/**
 * The banned / suspect word lists and their matcher. Comments (checking posts and edits) and moderation (the
 * admin API for the lists) both import this module and it imports neither, so dependencies point one way:
 * moderation → comments → word-filter.
 */
@Module({ providers: [WordFilterService], exports: [WordFilterService] })
export class WordFilterModule {}
