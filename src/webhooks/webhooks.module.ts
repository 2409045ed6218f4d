import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { WebhookDeliveriesService } from './webhook-deliveries.service.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { WebhookKeyRotation } from './webhook-key-rotation.js';
import { WebhookSettings } from './webhook-settings.js';
import { HostResolver } from '../common/outbound/target-guard.js';
import { WebhookWorker } from './webhook-worker.service.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksService } from './webhooks.service.js';

/**
 * Signed webhooks (Standard Webhooks) for the publisher's systems: the admin API, the delivery worker and the SSRF
 * guard. Deliveries are created by the database in the transaction of each domain event (see the migration), so
 * no code path that changes comments or users depends on this module.
 */
@Module({
  imports: [EventsModule],
  controllers: [WebhooksController],
  providers: [
    WebhookSettings,
    HostResolver,
    WebhookDispatcher,
    WebhookWorker,
    WebhooksService,
    WebhookDeliveriesService,
    WebhookKeyRotation,
  ],
  exports: [WebhookWorker],
})
export class WebhooksModule {}
