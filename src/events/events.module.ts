import { Module } from '@nestjs/common';
import { DomainEventListener } from './domain-event-listener.js';
import { EventRetentionService } from './event-retention.service.js';

/** The domain event log's upkeep and this instance's listener (src/events/domain-events.ts describes the log). */
@Module({ providers: [EventRetentionService, DomainEventListener], exports: [EventRetentionService, DomainEventListener] })
export class EventsModule {}
