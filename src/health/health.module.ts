import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { LiveModule } from '../live/live.module.js';
import { MailModule } from '../mail/mail.module.js';
import { HealthController } from './health.controller.js';

@Module({ imports: [EventsModule, LiveModule, MailModule], controllers: [HealthController] })
export class HealthModule {}
