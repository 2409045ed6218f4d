import type { Prisma } from '../generated/prisma/client.js';
import { AppError } from '../common/errors/app-error.js';
import type { WebhookDeliveryDto, WebhookDto } from './dto/webhook-response.dto.js';

/** Webhook endpoints and deliveries as the admin API shows them (never an endpoint's secret), and as the audit log keeps them. */

export const webhookSelect = {
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

export type WebhookRow = Prisma.WebhookEndpointGetPayload<{ select: typeof webhookSelect }>;

export const deliverySelect = {
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

export type DeliveryRow = Prisma.WebhookDeliveryGetPayload<{ select: typeof deliverySelect }>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toWebhookView(w: WebhookRow): WebhookDto {
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

export function toDeliveryView(d: DeliveryRow): WebhookDeliveryDto {
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
export const auditView = (w: { id: string; url: string; events: string[]; description: string | null; enabled: boolean }) => ({
  id: w.id,
  url: w.url,
  events: w.events,
  description: w.description,
  enabled: w.enabled,
});

export const webhookNotFound = () => AppError.notFound('WEBHOOK_NOT_FOUND', 'No webhook endpoint with this id');
export const deliveryNotFound = () => AppError.notFound('WEBHOOK_DELIVERY_NOT_FOUND', 'This webhook endpoint has no delivery with this id');
