import { Module } from '@nestjs/common';
import { AdminArticlesController, ArticlesController } from './articles.controller.js';
import { ArticleLookupService } from './article-lookup.service.js';
import { ArticlesService } from './articles.service.js';

@Module({
  controllers: [ArticlesController, AdminArticlesController],
  providers: [ArticlesService, ArticleLookupService],
  exports: [ArticlesService, ArticleLookupService],
})
export class ArticlesModule {}
