import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { MailComposer } from './mail-composer.js';
import { MailPreferencesService } from './mail-preferences.service.js';
import { MailSettings } from './mail-settings.js';
import { MailTokens } from './mail-tokens.js';
import { MailTransport } from './mail-transport.js';
import { MailWorker } from './mail-worker.service.js';
import { MailController } from './mail.controller.js';

/** E-mail (docs/mail.md): settings, the outbox worker, preferences and the links in mails. */
@Module({
  imports: [EventsModule],
  controllers: [MailController],
  providers: [MailSettings, MailTokens, MailTransport, MailComposer, MailWorker, MailPreferencesService],
  exports: [MailSettings, MailWorker],
})
export class MailModule {}
