import { Module } from '@nestjs/common';
import { EventRetentionService } from './event-retention.service.js';

/** The domain event log's upkeep (src/events/domain-events.ts describes the log itself). */
@Module({ providers: [EventRetentionService], exports: [EventRetentionService] })
export class EventsModule {}
