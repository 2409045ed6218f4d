import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { appendAudit } from '../audit/audit-log.js';
import { AppError } from '../common/errors/app-error.js';
import type { Page } from '../common/openapi/page.dto.js';
import { decodeCursor, keysetPage, olderThan } from '../common/pagination.js';
import { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { CreateWebhookDto, UpdateWebhookDto } from './dto/webhook.dto.js';
import type { CreatedWebhookDto, UpdatedWebhookDto, WebhookDto } from './dto/webhook-response.dto.js';
import { generateSigningSecret } from '../common/outbound/secrets.js';
import { WebhookSettings } from './webhook-settings.js';
import { checkWebhookUrl, HostResolver, resolveTarget, TargetRefusedError } from '../common/outbound/target-guard.js';
import { WebhookWorker } from './webhook-worker.service.js';
import { auditView, toWebhookView, webhookNotFound, webhookSelect } from './webhook.mapper.js';

/**
 * Webhook endpoints (admin API): create, list, change, delete. Every change commits with its audit row (the
 * endpoint's settings in `details`, never its secret). The secret is generated here, shown once in the answer that
 * creates (or rotates) it, and stored encrypted (src/common/outbound/secrets.ts). Deliveries: webhook-deliveries.service.ts.
 */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly settings: WebhookSettings,
    private readonly resolver: HostResolver,
    private readonly worker: WebhookWorker,
  ) {}

  async create(actorId: string, dto: CreateWebhookDto): Promise<CreatedWebhookDto> {
    const box = this.settings.requireSecrets();
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
    this.settings.requireSecrets();
    const rows = await this.prisma.webhookEndpoint.findMany({
      where: olderThan(decodeCursor(q.cursor)),
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: q.limit + 1,
      select: webhookSelect,
    });
    return keysetPage(rows, q.limit, toWebhookView);
  }

  async get(id: string): Promise<WebhookDto> {
    this.settings.requireSecrets();
    const row = await this.prisma.webhookEndpoint.findUnique({ where: { id }, select: webhookSelect });
    if (!row) throw webhookNotFound();
    return toWebhookView(row);
  }

  /**
   * Changes what was sent. Re-enabling (also after an automatic disable) makes the endpoint's queued deliveries due
   * at once with a fresh retry schedule; disabling pauses them (they wait, they are not dropped).
   */
  async update(actorId: string, id: string, dto: UpdateWebhookDto): Promise<UpdatedWebhookDto> {
    const box = this.settings.requireSecrets();
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
    this.settings.requireSecrets();
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
