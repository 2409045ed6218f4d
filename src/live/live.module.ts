import { ArticlesModule } from '../articles/articles.module.js';
import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { LiveController } from './live.controller.js';
import { LiveStreamsService } from './live-streams.service.js';

/** Live updates over Server-Sent Events, fed by this instance's domain event listener. */
@Module({
  imports: [EventsModule, ArticlesModule],
  controllers: [LiveController],
  providers: [LiveStreamsService],
  exports: [LiveStreamsService],
})
export class LiveModule {}
