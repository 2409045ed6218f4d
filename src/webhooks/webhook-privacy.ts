import type { Prisma } from '../generated/prisma/client.js';

/** A stored payload `{ type, timestamp, data }` with new data, in the order it was sent (`p` is the payload as jsonb). */
const rebuilt = (p: string, data: string) =>
  `format('{"type":%s,"timestamp":%s,"data":%s}', to_json(${p}->>'type'), to_json(${p}->>'timestamp'), (${data})::text)`;

/**
 * An account's erasure (privacy/account-erasure.service.ts) reaches the webhook deliveries too: they keep a copy of
 * each payload, queued or sent, for WEBHOOK_DELIVERY_RETENTION_DAYS. As in the domain event log, the author of the
 * account's comments becomes null, the words of the comments erased now become null, and in the account's own events
 * (user.banned, user.unbanned) the username becomes the placeholder and a ban's reason null. Deliveries still queued
 * are then sent scrubbed (same webhook-id); receivers learn of the erasure from `user.erased`. Found through the
 * deliveries' article index: the articles the account commented on, and the account events (no article).
 */
export async function scrubWebhookDeliveries(tx: Prisma.TransactionClient, userId: string, placeholder: string): Promise<void> {
  const commentData = `jsonb_set(CASE WHEN m.erased AND d.p->'data'->'comment' ? 'body' THEN jsonb_set(d.p->'data', '{comment,body}', 'null') ELSE d.p->'data' END,
                                 '{comment,author}', 'null')`;
  await tx.$executeRawUnsafe(
    `WITH mine AS (SELECT id::text AS id, article_id, body = '' AS erased FROM comments WHERE author_id = $1::uuid),
          d AS (SELECT w.id, w.payload::jsonb AS p FROM webhook_deliveries w
                WHERE w.article_id IN (SELECT DISTINCT article_id FROM mine) AND w.payload LIKE '%"comment"%')
     UPDATE webhook_deliveries w
     SET payload = ${rebuilt('d.p', commentData)}
     FROM d JOIN mine m ON d.p->'data'->'comment'->>'id' = m.id
     WHERE w.id = d.id AND d.p->'data'->'comment' ? 'author'`,
    userId,
  );
  const userData = `jsonb_set(CASE WHEN d.p->'data' ? 'reason' THEN jsonb_set(d.p->'data', '{reason}', 'null') ELSE d.p->'data' END,
                              '{user,username}', to_jsonb($2::text))`;
  await tx.$executeRawUnsafe(
    `WITH d AS (SELECT w.id, w.payload::jsonb AS p FROM webhook_deliveries w
                WHERE w.article_id IS NULL AND w.event_type LIKE 'user.%' AND w.payload LIKE '%' || $1 || '%')
     UPDATE webhook_deliveries w
     SET payload = ${rebuilt('d.p', userData)}
     FROM d
     WHERE w.id = d.id AND d.p->'data'->'user'->>'id' = $1 AND d.p->'data'->'user' ? 'username'`,
    userId,
    placeholder,
  );
}
