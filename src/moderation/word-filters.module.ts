import { Module } from '@nestjs/common';
import { WordFilterService } from './word-filter.service.js';

/** Separate from ModerationModule so CommentsModule can use the filter without importing the admin API. */
@Module({ providers: [WordFilterService], exports: [WordFilterService] })
export class WordFiltersModule {}
