import type pg from 'pg';
import { one, type Queryable, run, statement } from '../database/sql.js';

/**
 * The mail outbox (`mail_outbox`), in SQL of its own on the application's pg pool, as the webhooks' queue
 * (webhooks/webhook-queue.ts). Rows come from triggers in the transaction of the change (replies, statements of
 * reasons, notice outcomes: migration 20261208020000_mail), from the confirmation request, and from the digest run.
 *
 * Claiming is a lease: one statement picks due rows with `FOR UPDATE SKIP LOCKED` (concurrent instances never pick
 * the same row), counts the attempt and moves `next_attempt_at` to the end of the lease; the SMTP exchange runs
 * without a transaction, and its outcome is written only if the row is still at that attempt. An instance that dies
 * mid-send leaves the row to be retried when the lease ends: at-least-once, and exactly once unless a process dies
 * between the server's acceptance and the next statement.
 */

export type MailKind = 'reply' | 'digest' | 'queue_digest' | 'confirm' | 'statement' | 'notice_outcome';

export interface ClaimedMail {
  id: string;
  kind: MailKind;
  userId: string | null;
  toAddress: string | null;
  commentId: string | null;
  refId: string | null;
  data: Record<string, unknown>;
  attempts: number;
  createdAt: Date;
}

const claimDue = statement<[limit: number, leaseMs: number], ClaimedMail>(
  'mail_claim_due',
  `WITH due AS (
     SELECT id FROM mail_outbox
     WHERE status = 'pending' AND next_attempt_at <= now()
     ORDER BY next_attempt_at
     LIMIT $1
     FOR UPDATE SKIP LOCKED
   )
   UPDATE mail_outbox m
   SET attempts = m.attempts + 1, last_attempt_at = now(), next_attempt_at = now() + make_interval(secs => $2::int / 1000.0)
   FROM due WHERE m.id = due.id
   RETURNING m.id, m.kind, m.user_id AS "userId", m.to_address AS "toAddress", m.comment_id AS "commentId",
             m.ref_id AS "refId", m.data, m.attempts, m.created_at AS "createdAt"`,
);

/** Up to `limit` due mails, each leased to the caller for `leaseMs`. */
export function claimDueMails(db: Queryable, limit: number, leaseMs: number): Promise<ClaimedMail[]> {
  return run(db, claimDue, [limit, leaseMs]);
}

const finish = statement<[id: string, attempts: number, status: string, error: string | null, messageId: string | null], { id: string }>(
  'mail_finish',
  `UPDATE mail_outbox
   SET status = $3::"MailStatus", next_attempt_at = NULL, completed_at = now(), last_error = $4, message_id = $5
   WHERE id = $1::uuid AND attempts = $2 AND status = 'pending'
   RETURNING id`,
);

export async function markSent(db: Queryable, m: ClaimedMail, messageId: string): Promise<void> {
  await run(db, finish, [m.id, m.attempts, 'sent', null, messageId]);
}

/** The recipient can no longer receive it (unsubscribed, banned, erased, address changed or unverified). */
export async function markCancelled(db: Queryable, m: ClaimedMail, why: string): Promise<void> {
  await run(db, finish, [m.id, m.attempts, 'cancelled', why, null]);
}

/** The last attempt failed, or the server refused the recipient for good (a 5xx answer): recorded, never retried. */
export async function markFailed(db: Queryable, m: ClaimedMail, error: string): Promise<void> {
  await run(db, finish, [m.id, m.attempts, 'failed', error.slice(0, 1000), null]);
}

const retryLater = statement<[id: string, attempts: number, error: string, delayMs: number], { id: string }>(
  'mail_retry_later',
  `UPDATE mail_outbox SET next_attempt_at = now() + make_interval(secs => $4::bigint / 1000.0), last_error = $3
   WHERE id = $1::uuid AND attempts = $2 AND status = 'pending'
   RETURNING id`,
);

export async function scheduleRetry(db: Queryable, m: ClaimedMail, error: string, delayMs: number): Promise<void> {
  await run(db, retryLater, [m.id, m.attempts, error.slice(0, 1000), delayMs]);
}

/**
 * The daily digest: every reply held before `cutoff` becomes part of one `digest` mail per recipient, in one
 * statement (held rows are locked with SKIP LOCKED, so two instances running it at once split the rows and never
 * put a reply in two digests). Returns how many digest mails were queued.
 */
const digest = statement<[cutoff: Date, batch: number], { queued: string }>(
  'mail_digest',
  `WITH held AS (
     SELECT id FROM mail_outbox
     WHERE status = 'held' AND created_at < $1::timestamptz
     ORDER BY created_at
     LIMIT $2
     FOR UPDATE SKIP LOCKED
   ), moved AS (
     UPDATE mail_outbox m SET status = 'digested', completed_at = now()
     FROM held WHERE m.id = held.id
     RETURNING m.id, m.user_id, m.created_at
   ), queued AS (
     INSERT INTO mail_outbox (kind, user_id, data)
     SELECT 'digest', user_id, jsonb_build_object('items', jsonb_agg(id ORDER BY created_at))
     FROM moved GROUP BY user_id
     RETURNING 1
   )
   SELECT count(*)::text AS queued FROM queued`,
);

export async function queueDigests(db: Queryable, cutoff: Date, batch: number): Promise<number> {
  return Number((await one(db, digest, [cutoff, batch]))?.queued ?? 0);
}

/**
 * The moderators' daily queue digest: one `queue_digest` mail per moderator or admin who opted in and has none since
 * `cutoff`. Instances serialise on an advisory lock for the short transaction (each statement of a READ COMMITTED
 * transaction sees what the previous holder committed), so two never queue the same day's digest twice. The numbers
 * are read when the mail is sent.
 */
export async function queueStaffDigests(pool: pg.Pool, cutoff: Date): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('mail_queue_digest'))`);
    const { rowCount } = await client.query(
      `INSERT INTO mail_outbox (kind, user_id)
       SELECT 'queue_digest', u.id FROM users u JOIN mail_preferences p ON p.user_id = u.id AND p.queue_digest
       WHERE u.role IN ('moderator', 'admin') AND mail_recipient_ok(u, false)
         AND NOT EXISTS (SELECT 1 FROM mail_outbox m WHERE m.kind = 'queue_digest' AND m.user_id = u.id AND m.created_at >= $1::timestamptz)`,
      [cutoff],
    );
    await client.query('COMMIT');
    return rowCount ?? 0;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

const pruneFinished = statement<[days: number, batch: number], { deleted: string }>(
  'mail_prune',
  `WITH gone AS (
     DELETE FROM mail_outbox WHERE id IN (
       SELECT id FROM mail_outbox
       WHERE status NOT IN ('pending', 'held') AND completed_at < now() - make_interval(days => $1::int)
       LIMIT $2
     )
     RETURNING 1
   )
   SELECT count(*)::text AS deleted FROM gone`,
);

/** Deletes up to `batch` finished mails older than `days` (they name their recipients); returns how many. */
export async function pruneMails(db: Queryable, days: number, batch: number): Promise<number> {
  return Number((await one(db, pruneFinished, [days, batch]))?.deleted ?? 0);
}
