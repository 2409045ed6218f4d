import { ArticlesModule } from '../articles/articles.module.js';
import { Module } from '@nestjs/common';
import { DsaModule } from '../dsa/dsa.module.js';
import { TriageModule } from '../triage/triage.module.js';
import { WordFilterModule } from '../word-filter/word-filter.module.js';
import { CommentCountsService } from './comment-counts.service.js';
import { CommentReactionsService } from './comment-reactions.service.js';
import { CommentReportsService } from './comment-reports.service.js';
import { CommentsController } from './comments.controller.js';
import { CommentCountsController } from './comments-read.controller.js';
import { CommentsService } from './comments.service.js';
import { CommentChecksService } from './comment-checks.service.js';

@Module({
  imports: [ArticlesModule, WordFilterModule, DsaModule, TriageModule],
  controllers: [CommentCountsController, CommentsController],
  providers: [CommentCountsService, CommentsService, CommentChecksService, CommentReportsService, CommentReactionsService],
  exports: [CommentCountsService, CommentsService, CommentChecksService],
})
export class CommentsModule {}
