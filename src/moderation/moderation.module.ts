import { Module } from '@nestjs/common';

/** Moderation queue, decisions, bulk actions, word filters and the audit log (/api/admin/*). */
@Module({})
export class ModerationModule {}
