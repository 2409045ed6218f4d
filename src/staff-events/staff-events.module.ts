import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { StaffEventsController } from './staff-events.controller.js';
import { StaffEventsService } from './staff-events.service.js';

/** The staff event stream: live queue counts and comment changes for the moderation console. */
@Module({ imports: [EventsModule], controllers: [StaffEventsController], providers: [StaffEventsService], exports: [StaffEventsService] })
export class StaffEventsModule {}
