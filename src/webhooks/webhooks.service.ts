import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { appendAudit } from '../audit/audit-log.js';
import { AppError } from '../common/errors/app-error.js';
import type { Page } from '../common/openapi/page.dto.js';
import { decodeCursor, keysetPage, olderThan } from '../common/pagination.js';
import { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { CreateWebhookDto, UpdateWebhookDto, WebhookDeliveryListQueryDto } from './dto/webhook.dto.js';
import type { CreatedWebhookDto, UpdatedWebhookDto, WebhookDeliveryDto, WebhookDto } from './dto/webhook-response.dto.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { WEBHOOK_TEST_EVENT } from './webhook-events.js';
import { claimDelivery } from './webhook-queue.js';
import { generateSigningSecret, type SecretBox } from './webhook-secrets.js';
import { WebhookSettings } from './webhook-settings.js';
import { checkWebhookUrl, HostResolver, resolveTarget, TargetRefusedError } from './webhook-target.js';
import { WebhookWorker } from './webhook-worker.service.js';

const webhookSelect = {
  id: true,
  url: true,
  description: true,
  events: true,
  enabled: true,
  disabledAt: true,
  disabledReason: true,
  lastSuccessAt: true,
  createdAt: true,
  updatedAt: true,
  createdBy: { select: { id: true, username: true } },
} satisfies Prisma.WebhookEndpointSelect;

type WebhookRow = Prisma.WebhookEndpointGetPayload<{ select: typeof webhookSelect }>;

const deliverySelect = {
  id: true,
  endpointId: true,
  messageId: true,
  eventType: true,
  status: true,
  attempts: true,
  nextAttemptAt: true,
  lastAttemptAt: true,
  lastResponseCode: true,
  lastError: true,
  lastDurationMs: true,
  createdAt: true,
  completedAt: true,
  payload: true,
} satisfies Prisma.WebhookDeliverySelect;

type DeliveryRow = Prisma.WebhookDeliveryGetPayload<{ select: typeof deliverySelect }>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function toWebhookView(w: WebhookRow): WebhookDto {
  return {
    id: w.id,
    url: w.url,
    description: w.description,
    events: w.events,
    enabled: w.enabled,
    disabledAt: iso(w.disabledAt),
    disabledReason: w.disabledReason,
    lastSuccessAt: iso(w.lastSuccessAt),
    createdBy: w.createdBy,
    createdAt: w.createdAt.toISOString(),
    updatedAt: w.updatedAt.toISOString(),
  };
}

function toDeliveryView(d: DeliveryRow): WebhookDeliveryDto {
  return {
    id: d.id,
    webhookId: d.endpointId,
    messageId: d.messageId,
    eventType: d.eventType,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: iso(d.nextAttemptAt),
    lastAttemptAt: iso(d.lastAttemptAt),
    lastResponseCode: d.lastResponseCode,
    lastError: d.lastError,
    lastDurationMs: d.lastDurationMs,
    createdAt: d.createdAt.toISOString(),
    completedAt: iso(d.completedAt),
    payload: JSON.parse(d.payload) as Record<string, unknown>,
  };
}

/** What the audit log keeps about an endpoint (never its secret). */
const auditView = (w: { id: string; url: string; events: string[]; description: string | null; enabled: boolean }) => ({
  id: w.id,
  url: w.url,
  events: w.events,
  description: w.description,
  enabled: w.enabled,
});

const webhookNotFound = () => AppError.notFound('WEBHOOK_NOT_FOUND', 'No webhook endpoint with this id');
const deliveryNotFound = () => AppError.notFound('WEBHOOK_DELIVERY_NOT_FOUND', 'This webhook endpoint has no delivery with this id');

/**
 * The admin side of webhooks: endpoints (create, list, change, delete), their deliveries, a manual retry and a test
 * ping. Every change commits with its audit row (moderation_actions, `webhook_*` actions, the endpoint's settings in
 * `details`, never its secret). The secret is generated here, shown once in the answer that creates (or rotates)
 * it, and stored encrypted (webhook-secrets.ts).
 */
@Injectable()
export class WebhooksService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Webhooks');

  constructor(
    private readonly prisma: PrismaService,
    private readonly settings: WebhookSettings,
    private readonly resolver: HostResolver,
    private readonly dispatcher: WebhookDispatcher,
    private readonly worker: WebhookWorker,
  ) {}

  /** Re-encrypts secrets still under an older WEBHOOK_SECRET_KEY with the newest one (a key rotation). */
  async onApplicationBootstrap(): Promise<void> {
    const box = this.settings.secrets;
    if (!box) return;
    try {
      const rows = await this.prisma.webhookEndpoint.findMany({ select: { id: true, secretCiphertext: true } });
      let resealed = 0;
      for (const row of rows.filter((r) => box.isStale(r.secretCiphertext))) {
        const sealed = box.seal(box.open(row.secretCiphertext, row.id), row.id);
        // Only if nobody changed it meanwhile (another instance doing the same, a rotation through the API).
        resealed += (
          await this.prisma.webhookEndpoint.updateMany({
            where: { id: row.id, secretCiphertext: row.secretCiphertext },
            data: { secretCiphertext: sealed },
          })
        ).count;
      }
      if (resealed) this.logger.log({ msg: 'webhook secrets re-encrypted with the newest WEBHOOK_SECRET_KEY', count: resealed });
    } catch (err) {
      this.logger.error({ msg: 'could not re-encrypt webhook secrets; older keys stay needed', err: (err as Error).message });
    }
  }

  async create(actorId: string, dto: CreateWebhookDto): Promise<CreatedWebhookDto> {
    const box = this.secrets();
    const url = await this.checkTarget(dto.url);
    const id = randomUUID();
    const secret = generateSigningSecret();
    const description = dto.description || null;
    const row = await this.prisma.transaction(async (tx) => {
      const created = await tx.webhookEndpoint.create({
        data: { id, url, events: dto.events, description, secretCiphertext: box.seal(secret, id), createdById: actorId },
        select: webhookSelect,
      });
      await appendAudit(tx, { actorId, action: 'webhook_create', reason: url, details: { webhook: auditView(created) } });
      return created;
    });
    return { ...toWebhookView(row), secret };
  }

  async list(q: { limit: number; cursor?: string }): Promise<Page<WebhookDto>> {
    this.secrets();
    const rows = await this.prisma.webhookEndpoint.findMany({
      where: olderThan(decodeCursor(q.cursor)),
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: q.limit + 1,
      select: webhookSelect,
    });
    return keysetPage(rows, q.limit, toWebhookView);
  }

  async get(id: string): Promise<WebhookDto> {
    this.secrets();
    const row = await this.prisma.webhookEndpoint.findUnique({ where: { id }, select: webhookSelect });
    if (!row) throw webhookNotFound();
    return toWebhookView(row);
  }

  /**
   * Changes what was sent. Re-enabling (also after an automatic disable) makes the endpoint's queued deliveries due
   * at once with a fresh retry schedule; disabling pauses them (they wait, they are not dropped).
   */
  async update(actorId: string, id: string, dto: UpdateWebhookDto): Promise<UpdatedWebhookDto> {
    const box = this.secrets();
    if (Object.values(dto).every((v) => v === undefined)) {
      throw AppError.badRequest('VALIDATION_FAILED', 'Request validation failed', [
        { field: 'body', message: 'send at least one of url, events, description, enabled, rotateSecret' },
      ]);
    }
    const url = dto.url === undefined ? undefined : await this.checkTarget(dto.url);
    const secret = dto.rotateSecret ? generateSigningSecret() : undefined;
    const row = await this.prisma.transaction(async (tx) => {
      const [before] = await tx.$queryRaw<{ id: string; url: string; events: string[]; description: string | null; enabled: boolean }[]>`
        SELECT id, url, events, description, enabled FROM webhook_endpoints WHERE id = ${id}::uuid FOR NO KEY UPDATE`;
      if (!before) throw webhookNotFound();
      const resumed = dto.enabled === true && !before.enabled;
      const paused = dto.enabled === false && before.enabled;
      const updated = await tx.webhookEndpoint.update({
        where: { id },
        data: {
          url,
          events: dto.events,
          description: dto.description === undefined ? undefined : dto.description || null,
          ...(secret && { secretCiphertext: box.seal(secret, id) }),
          ...(resumed && { enabled: true, disabledAt: null, disabledReason: null }),
          ...(paused && { enabled: false, disabledAt: new Date(), disabledReason: 'disabled by an admin' }),
        },
        select: webhookSelect,
      });
      if (resumed) {
        // Not a delivery attempted within the last lease (a test ping may be in flight): it keeps its schedule.
        const leaseStart = new Date(Date.now() - this.settings.leaseMs);
        await tx.webhookDelivery.updateMany({
          where: { endpointId: id, status: 'pending', OR: [{ lastAttemptAt: null }, { lastAttemptAt: { lt: leaseStart } }] },
          data: { attempts: 0, nextAttemptAt: new Date() },
        });
      }
      await appendAudit(tx, {
        actorId,
        action: 'webhook_update',
        reason: updated.url,
        details: { webhookId: id, from: auditView(before), to: auditView(updated), ...(secret && { secretRotated: true }) },
      });
      return updated;
    });
    if (dto.enabled) this.worker.wake();
    return { ...toWebhookView(row), ...(secret && { secret }) };
  }

  /** Deletes the endpoint with its deliveries (queued ones are never sent). */
  async remove(actorId: string, id: string): Promise<void> {
    this.secrets();
    try {
      await this.prisma.transaction(async (tx) => {
        // Lock order as the worker's: a pending delivery, then its endpoint. The worker records an attempt's outcome
        // in one statement that updates the delivery and then the endpoint (last_success_at, or disabling it); the
        // cascade of a plain DELETE would lock the endpoint first and then wait for that delivery: a deadlock.
        await tx.$queryRaw`SELECT 1 FROM webhook_deliveries WHERE endpoint_id = ${id}::uuid AND status = 'pending' ORDER BY id FOR UPDATE`;
        const removed = await tx.webhookEndpoint.delete({
          where: { id },
          select: { id: true, url: true, events: true, description: true, enabled: true },
        });
        await appendAudit(tx, { actorId, action: 'webhook_delete', reason: removed.url, details: { webhook: auditView(removed) } });
      });
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2025') throw webhookNotFound();
      throw err;
    }
  }

  async deliveries(id: string, q: WebhookDeliveryListQueryDto): Promise<Page<WebhookDeliveryDto>> {
    await this.get(id);
    const rows = await this.prisma.webhookDelivery.findMany({
      where: { endpointId: id, ...(q.status && { status: q.status }), ...olderThan(decodeCursor(q.cursor)) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: q.limit + 1,
      select: deliverySelect,
    });
    return keysetPage(rows, q.limit, toDeliveryView);
  }

  async delivery(id: string, deliveryId: string): Promise<WebhookDeliveryDto> {
    this.secrets();
    const row = await this.prisma.webhookDelivery.findFirst({ where: { id: deliveryId, endpointId: id }, select: deliverySelect });
    if (!row) {
      await this.get(id); // an unknown endpoint is WEBHOOK_NOT_FOUND
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
    this.secrets();
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
    this.secrets();
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

  /** Webhooks need a key to keep secrets encrypted: without one (production without WEBHOOK_SECRET_KEY) they are off. */
  private secrets(): SecretBox {
    if (!this.settings.secrets)
      throw AppError.notFound('WEBHOOKS_NOT_CONFIGURED', 'Webhooks are not set up on this site: set WEBHOOK_SECRET_KEY');
    return this.settings.secrets;
  }

  /** The URL, normalised, if its shape is allowed and its host resolves to allowed addresses (the SSRF rule). */
  private async checkTarget(raw: string): Promise<string> {
    const checked = checkWebhookUrl(raw);
    if (!checked.ok)
      throw AppError.badRequest('INVALID_WEBHOOK_URL', `The webhook URL ${checked.reason}`, [
        { field: 'url', message: `url ${checked.reason}` },
      ]);
    try {
      await resolveTarget(this.resolver, checked.url.hostname, this.settings.allowPrivateTargets);
    } catch (err) {
      if (!(err instanceof TargetRefusedError)) throw err;
      const code = err.unresolvable ? 'INVALID_WEBHOOK_URL' : 'WEBHOOK_TARGET_NOT_ALLOWED';
      throw AppError.badRequest(code, `The webhook URL is not allowed: ${err.message}`, [{ field: 'url', message: err.message }]);
    }
    return checked.url.toString();
  }
}
