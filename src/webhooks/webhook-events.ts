import { DOMAIN_EVENT_TYPES } from '../events/domain-events.js';

/**
 * The event types an endpoint can subscribe to: every domain event type (src/events/domain-events.ts; the issue's
 * six, comment.created/approved/rejected/deleted, article.comment_count.changed and user.banned, plus
 * comment.updated, comment.requeued, user.unbanned and user.erased). A type added to the event log becomes
 * subscribable here.
 */
export const WEBHOOK_EVENT_TYPES = DOMAIN_EVENT_TYPES;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** The type of the ping sent by `POST /api/admin/webhooks/:webhookId/test` (to one endpoint, on request, never retried). */
export const WEBHOOK_TEST_EVENT = 'webhook.test';
