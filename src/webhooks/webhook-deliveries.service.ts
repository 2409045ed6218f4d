import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { appendAudit } from '../audit/audit-log.js';
import { AppError } from '../common/errors/app-error.js';
import type { Page } from '../common/openapi/page.dto.js';
import { decodeCursor, keysetPage, olderThan } from '../common/pagination.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { WebhookDeliveryListQueryDto } from './dto/webhook.dto.js';
import type { WebhookDeliveryDto } from './dto/webhook-response.dto.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { WEBHOOK_TEST_EVENT } from './webhook-events.js';
import { claimDelivery } from './webhook-queue.js';
import { WebhookSettings } from './webhook-settings.js';
import { WebhookWorker } from './webhook-worker.service.js';
import { deliveryNotFound, deliverySelect, toDeliveryView, webhookNotFound } from './webhook.mapper.js';
import { WebhooksService } from './webhooks.service.js';

/** An endpoint's deliveries (admin API): list, read, send again, and a test ping sent at once. */
@Injectable()
export class WebhookDeliveriesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly settings: WebhookSettings,
    private readonly dispatcher: WebhookDispatcher,
    private readonly worker: WebhookWorker,
    private readonly endpoints: WebhooksService,
  ) {}

  async deliveries(id: string, q: WebhookDeliveryListQueryDto): Promise<Page<WebhookDeliveryDto>> {
    await this.endpoints.get(id);
    const rows = await this.prisma.webhookDelivery.findMany({
      where: { endpointId: id, ...(q.status && { status: q.status }), ...olderThan(decodeCursor(q.cursor)) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: q.limit + 1,
      select: deliverySelect,
    });
    return keysetPage(rows, q.limit, toDeliveryView);
  }

  async delivery(id: string, deliveryId: string): Promise<WebhookDeliveryDto> {
    this.settings.requireSecrets();
    const row = await this.prisma.webhookDelivery.findFirst({ where: { id: deliveryId, endpointId: id }, select: deliverySelect });
    if (!row) {
      await this.endpoints.get(id); // an unknown endpoint is WEBHOOK_NOT_FOUND
      throw deliveryNotFound();
    }
    return toDeliveryView(row);
  }

  /**
   * Sends a succeeded or failed delivery again: the same message (same `webhook-id`, same body), queued now with a
   * fresh retry schedule. A delivery still queued is 409 (it will be attempted anyway); so is one of a disabled
   * endpoint (enable it first).
   */
  async retry(actorId: string, id: string, deliveryId: string): Promise<WebhookDeliveryDto> {
    this.settings.requireSecrets();
    const row = await this.prisma.transaction(async (tx) => {
      const [current] = await tx.$queryRaw<{ status: string; enabled: boolean; message_id: string; event_type: string; url: string }[]>`
        SELECT d.status::text, e.enabled, d.message_id, d.event_type, e.url
        FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
        WHERE d.id = ${deliveryId}::uuid AND d.endpoint_id = ${id}::uuid
        FOR UPDATE OF d`;
      if (!current) {
        if (!(await tx.webhookEndpoint.findUnique({ where: { id }, select: { id: true } }))) throw webhookNotFound();
        throw deliveryNotFound();
      }
      if (current.status === 'pending')
        throw AppError.conflict('WEBHOOK_DELIVERY_PENDING', 'This delivery is still queued; it will be attempted at its next attempt time');
      if (!current.enabled)
        throw AppError.conflict('WEBHOOK_DISABLED', 'The webhook endpoint is disabled; enable it before retrying its deliveries');
      const updated = await tx.webhookDelivery.update({
        where: { id: deliveryId },
        data: { status: 'pending', attempts: 0, nextAttemptAt: new Date(), completedAt: null },
        select: deliverySelect,
      });
      await appendAudit(tx, {
        actorId,
        action: 'webhook_retry',
        reason: current.url,
        details: {
          webhookId: id,
          delivery: { id: deliveryId, messageId: current.message_id, eventType: current.event_type, previousStatus: current.status },
        },
      });
      return updated;
    });
    this.worker.wake();
    return toDeliveryView(row);
  }

  /**
   * Sends a signed `webhook.test` message to the endpoint now (also when it is disabled, to check it before
   * enabling it again) and answers with the recorded delivery: one attempt, no retries, never disables the endpoint.
   */
  async test(actorId: string, id: string): Promise<WebhookDeliveryDto> {
    this.settings.requireSecrets();
    const deliveryId = randomUUID();
    await this.prisma.transaction(async (tx) => {
      const endpoint = await tx.webhookEndpoint.findUnique({ where: { id }, select: { id: true, url: true } });
      if (!endpoint) throw webhookNotFound();
      const payload = JSON.stringify({
        type: WEBHOOK_TEST_EVENT,
        timestamp: new Date().toISOString(),
        data: {
          webhook: { id: endpoint.id, url: endpoint.url },
          message: 'A test message from the comments service: signature and delivery work.',
        },
      });
      // Due only after a lease: the worker must not pick it up while this request sends it.
      await tx.webhookDelivery.create({
        data: {
          id: deliveryId,
          endpointId: id,
          messageId: `msg_${randomUUID().replaceAll('-', '')}`,
          eventType: WEBHOOK_TEST_EVENT,
          payload,
          nextAttemptAt: new Date(Date.now() + this.settings.leaseMs),
        },
      });
      await appendAudit(tx, {
        actorId,
        action: 'webhook_test',
        reason: endpoint.url,
        details: { webhookId: id, delivery: { id: deliveryId } },
      });
    });
    const claimed = await claimDelivery(this.prisma.pool, deliveryId, this.settings.leaseMs);
    if (claimed) await this.dispatcher.attempt(claimed);
    return this.delivery(id, deliveryId);
  }
}
