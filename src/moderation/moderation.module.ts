import { EditorsPicksService } from './editors-picks.service.js';
import { Module } from '@nestjs/common';
import { DecisionReasonsModule } from '../decision-reasons/decision-reasons.module.js';
import { ArticleModerationController } from './article-moderation.controller.js';
import { ArticleModerationService } from './article-moderation.service.js';
import { AuditLogController } from './audit-log.controller.js';
import { AuditLogService } from './audit-log.service.js';
import { ModerationQueueRepository } from './moderation-queue.repository.js';
import { ModerationController } from './moderation.controller.js';
import { QueueItemController } from './queue-item.controller.js';
import { ModerationService } from './moderation.service.js';
import { UserBansController } from './user-bans.controller.js';
import { UserBansService } from './user-bans.service.js';
import { WordFiltersController } from './word-filters.controller.js';
import { TriageModule } from '../triage/triage.module.js';
import { CommentsModule } from '../comments/comments.module.js';
import { DsaModule } from '../dsa/dsa.module.js';
import { WordFilterModule } from '../word-filter/word-filter.module.js';

/**
 * Moderation queue, decisions, bulk actions, bans, word filters and the audit log (/api/admin/*). Every route
 * is for moderators and admins (class-level @Roles); the WordFilterService instance is shared with comments.
 */
@Module({
  imports: [WordFilterModule, DsaModule, DecisionReasonsModule, CommentsModule, TriageModule],
  controllers: [
    ModerationController,
    QueueItemController,
    ArticleModerationController,
    UserBansController,
    WordFiltersController,
    AuditLogController,
  ],
  providers: [
    ModerationService,
    ModerationQueueRepository,
    ArticleModerationService,
    UserBansService,
    AuditLogService,
    EditorsPicksService,
  ],
  exports: [AuditLogService],
})
export class ModerationModule {}
