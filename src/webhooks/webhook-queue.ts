import { auditRowsInsert } from '../audit/audit-log.js';
import { one, type Queryable, run, statement } from '../database/sql.js';
import { WEBHOOK_TEST_EVENT } from './webhook-events.js';

/**
 * The delivery queue: `webhook_deliveries` is both the outbox (rows written in the transaction of the change) and
 * the job queue, in SQL of its own on the application's pg pool. Why not pg-boss or graphile-worker: the rows are
 * created by a trigger inside the change's transaction, so they must be rows of a table of ours anyway (and the
 * admin API lists them with their attempts and response codes); both libraries also create and migrate their own
 * schema at start-up, which the service's least-privileged database role may not do. What they would add here is
 * a claim query, which is the statement below.
 *
 * Claiming is a lease: one short statement picks due rows with `FOR UPDATE SKIP LOCKED` (so concurrent instances
 * never pick the same row and never wait on each other), counts the attempt and moves `next_attempt_at` to the end
 * of the lease. The HTTP request then runs without holding a transaction or a connection; its outcome is written
 * only if the row is still at that attempt. If the process dies mid-attempt, the lease runs out and any instance
 * retries it: at-least-once.
 */

export interface ClaimedDelivery {
  id: string;
  endpointId: string;
  messageId: string;
  eventType: string;
  payload: string;
  attempts: number;
  createdAt: Date;
  url: string;
  secretCiphertext: string;
}

const RETURNING = `d.id, d.endpoint_id AS "endpointId", d.message_id AS "messageId", d.event_type AS "eventType", d.payload,
  d.attempts, d.created_at AS "createdAt", e.url, e.secret_ciphertext AS "secretCiphertext"`;

const claimDue = statement<[limit: number, leaseMs: number], ClaimedDelivery>(
  'webhook_claim_due',
  `WITH due AS (
     SELECT d.id FROM webhook_deliveries d
     WHERE d.status = 'pending' AND d.next_attempt_at <= now()
       AND EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.id = d.endpoint_id AND e.enabled)
     ORDER BY d.next_attempt_at
     LIMIT $1
     FOR UPDATE OF d SKIP LOCKED
   )
   UPDATE webhook_deliveries d
   SET attempts = d.attempts + 1, last_attempt_at = now(), next_attempt_at = now() + make_interval(secs => $2::int / 1000.0)
   FROM due, webhook_endpoints e
   WHERE d.id = due.id AND e.id = d.endpoint_id
   RETURNING ${RETURNING}`,
);

/** Up to `limit` due deliveries of enabled endpoints, each leased to the caller for `leaseMs`. */
export function claimDueDeliveries(db: Queryable, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
  return run(db, claimDue, [limit, leaseMs]);
}

const claimOne = statement<[id: string, leaseMs: number], ClaimedDelivery>(
  'webhook_claim_one',
  `UPDATE webhook_deliveries d
   SET attempts = d.attempts + 1, last_attempt_at = now(), next_attempt_at = now() + make_interval(secs => $2::int / 1000.0)
   FROM webhook_endpoints e
   WHERE d.id = $1::uuid AND d.status = 'pending' AND e.id = d.endpoint_id
   RETURNING ${RETURNING}`,
);

/** Leases one pending delivery (a test ping, sent at once by the request that created it). */
export function claimDelivery(db: Queryable, id: string, leaseMs: number): Promise<ClaimedDelivery | undefined> {
  return one(db, claimOne, [id, leaseMs]);
}

export interface AttemptOutcome {
  status: number | null;
  error: string | null;
  durationMs: number;
}

const succeeded = statement<[id: string, attempts: number, status: number | null, durationMs: number], { endpointId: string }>(
  'webhook_succeeded',
  `WITH d AS (
     UPDATE webhook_deliveries
     SET status = 'succeeded', next_attempt_at = NULL, completed_at = now(),
         last_response_code = $3, last_error = NULL, last_duration_ms = $4
     WHERE id = $1::uuid AND attempts = $2 AND status = 'pending'
     RETURNING endpoint_id
   )
   UPDATE webhook_endpoints e SET last_success_at = now() FROM d WHERE e.id = d.endpoint_id
   RETURNING e.id AS "endpointId"`,
);

export async function markSucceeded(db: Queryable, d: ClaimedDelivery, o: AttemptOutcome): Promise<void> {
  await run(db, succeeded, [d.id, d.attempts, o.status, o.durationMs]);
}

const retryLater = statement<
  [id: string, attempts: number, status: number | null, error: string | null, durationMs: number, delayMs: number],
  { id: string }
>(
  'webhook_retry_later',
  `UPDATE webhook_deliveries
   SET next_attempt_at = now() + make_interval(secs => $6::bigint / 1000.0),
       last_response_code = $3, last_error = $4, last_duration_ms = $5
   WHERE id = $1::uuid AND attempts = $2 AND status = 'pending'
   RETURNING id`,
);

export async function scheduleRetry(db: Queryable, d: ClaimedDelivery, o: AttemptOutcome, delayMs: number): Promise<void> {
  await run(db, retryLater, [d.id, d.attempts, o.status, o.error, o.durationMs, delayMs]);
}

export interface FailedOutcome {
  /** The endpoint was disabled by this failure (and an audit row written). */
  disabledEndpoint: { id: string; url: string } | null;
}

/**
 * A delivery that used its last attempt is failed. If its endpoint has not delivered anything successfully since
 * this message was created (i.e. it kept failing for the whole retry window, about a day), the endpoint is disabled
 * and an automatic audit entry (`webhook_disable`, no moderator) is appended, in the same statement. Test pings
 * never disable an endpoint. Of two final failures at the same moment, only one disables (the row is re-checked
 * under its lock).
 */
const failed = statement<
  [id: string, attempts: number, status: number | null, error: string | null, durationMs: number, disabledReason: string, test: string],
  { disabledId: string | null; disabledUrl: string | null }
>(
  'webhook_failed',
  `WITH d AS (
     UPDATE webhook_deliveries
     SET status = 'failed', next_attempt_at = NULL, completed_at = now(),
         last_response_code = $3, last_error = $4, last_duration_ms = $5
     WHERE id = $1::uuid AND attempts = $2 AND status = 'pending'
     RETURNING id, endpoint_id, created_at, event_type, message_id, attempts
   ), off AS (
     UPDATE webhook_endpoints e
     SET enabled = false, disabled_at = now(), disabled_reason = $6
     FROM d
     WHERE e.id = d.endpoint_id AND e.enabled AND d.event_type <> $7
       AND (e.last_success_at IS NULL OR e.last_success_at < d.created_at)
     RETURNING e.id, e.url, e.events, d.id AS delivery_id, d.message_id, d.event_type, d.attempts
   ), audit AS (
     ${auditRowsInsert(
       {
         action: `'webhook_disable'`,
         reason: '$6',
         details: `jsonb_build_object(
              'webhook', jsonb_build_object('id', off.id, 'url', off.url, 'events', to_jsonb(off.events)),
              'delivery', jsonb_build_object('id', off.delivery_id, 'messageId', off.message_id, 'eventType', off.event_type,
                                             'attempts', off.attempts, 'lastResponseCode', $3::int, 'lastError', $4::text))`,
       },
       'off',
     )}
   )
   SELECT (SELECT id FROM off) AS "disabledId", (SELECT url FROM off) AS "disabledUrl", (SELECT count(*) FROM audit) AS audited`,
);

export async function markFailed(db: Queryable, d: ClaimedDelivery, o: AttemptOutcome): Promise<FailedOutcome> {
  const reason =
    `no successful delivery since ${d.createdAt.toISOString()}: message ${d.messageId} (${d.eventType}) failed ` +
    `${d.attempts} attempt${d.attempts === 1 ? '' : 's'}, the last with ${o.status !== null ? `HTTP ${o.status}` : (o.error ?? 'an error')}`;
  const row = await one(db, failed, [d.id, d.attempts, o.status, o.error, o.durationMs, reason.slice(0, 1000), WEBHOOK_TEST_EVENT]);
  return { disabledEndpoint: row?.disabledId && row.disabledUrl !== null ? { id: row.disabledId, url: row.disabledUrl } : null };
}

const pruneFinished = statement<[days: number, batch: number], { deleted: string }>(
  'webhook_prune',
  `WITH gone AS (
     DELETE FROM webhook_deliveries WHERE id IN (
       SELECT id FROM webhook_deliveries
       WHERE status <> 'pending' AND completed_at < now() - make_interval(days => $1::int)
       LIMIT $2
     )
     RETURNING 1
   )
   SELECT count(*)::text AS deleted FROM gone`,
);

/** Deletes up to `batch` finished deliveries older than `days` (their payloads name readers); returns how many. */
export async function pruneDeliveries(db: Queryable, days: number, batch: number): Promise<number> {
  return Number((await one(db, pruneFinished, [days, batch]))?.deleted ?? 0);
}
