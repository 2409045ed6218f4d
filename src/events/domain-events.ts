import { statement } from '../database/sql.js';
import type { Prisma } from '../generated/prisma/client.js';
import { publicCommentJson } from '../read-path/read-path.sql.js';

/**
 * The domain event log (table `domain_events`, README "Domain events"): what happened, in commit order, for the
 * live-update streams (SSE) and webhooks. Rows are appended by the change itself (comment-state.ts buildStatement,
 * the ban transaction), so a row exists exactly when its change committed; a trigger announces the new ids with
 * pg_notify('domain_events', '1,2,3') when the transaction commits. Public information only: no emails, no
 * addresses, no body of a comment readers cannot see.
 *
 * Consumers ignore types they do not know: more may be added.
 */
export const DOMAIN_EVENT_TYPES = [
  /** A comment was posted (any first status; a pending one carries no body). */
  'comment.created',
  /** A moderator approved a comment. */
  'comment.approved',
  /** A moderator (or a ban, or the word filter) rejected a comment; `toStatus` is `rejected` or `spam`. */
  'comment.rejected',
  /** An approved comment went back to the moderation queue (reports reached COMMENT_REPORT_THRESHOLD). */
  'comment.requeued',
  /** The author edited a comment (an approved one may go back to pending: see `toStatus` and `visibleDelta`). */
  'comment.updated',
  /** The author or a moderator deleted a comment. */
  'comment.deleted',
  /** An article's approved, not deleted comment count changed (once per article per statement). */
  'article.comment_count.changed',
  'user.banned',
  'user.unbanned',
  /**
   * An account was erased (GDPR Art. 17): `{ user: { id } }`. Consumers that keep names next to comments forget this
   * author's; the log's own earlier events about the account were scrubbed in the same transaction.
   */
  'user.erased',
] as const;

export type DomainEventType = (typeof DOMAIN_EVENT_TYPES)[number];

/** The channel the trigger notifies; the payload is a comma-separated list of ids (at most 300). */
export const DOMAIN_EVENTS_CHANNEL = 'domain_events';

/** A reader's view of a comment (read-path publicCommentJson) when visible; otherwise only what is public. */
export interface CommentEventData {
  comment: Record<string, unknown> & { id: string; status: string; deleted: boolean };
  article: { id: string; slug: string };
  fromStatus: string | null;
  toStatus: string;
  /** Whether readers see the comment after the change. */
  visible: boolean;
  /** -1 | 0 | 1: how the change moved the article's count. */
  visibleDelta: number;
}

export interface CountEventData {
  article: { id: string; slug: string };
  /** The approved, not deleted comment count after the change. */
  count: number;
}

/** A row as the readers below return it (the id as text: bigint). */
export interface DomainEventRow {
  id: string;
  type: string;
  articleId: string | null;
  data: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------------------
// SQL for comment-state.ts: the event rows of one visibility-change statement

/** The event type of a `changed` row (`c`), by what the statement did to it. */
export const commentEventType = {
  created: `'comment.created'`,
  deleted: `'comment.deleted'`,
  edited: `'comment.updated'`,
  decided: (c: string) =>
    `CASE ${c}.status WHEN 'approved' THEN 'comment.approved' WHEN 'pending' THEN 'comment.requeued' ELSE 'comment.rejected' END`,
} as const;

const visible = (c: string) => `(${c}.status = 'approved' AND ${c}.deleted_at IS NULL)`;

/**
 * `INSERT INTO domain_events …` for the CTE `events` of a comment-state statement: one row per `changed` row
 * (which carries `event_type`, `from_status`, `delta`), then, with `counts`, one per row of `article_counts`
 * (id, slug, approved_comment_count). Comment events get lower ids than the count they caused.
 */
export function commentEventsInsert(counts: boolean): string {
  const comment = `CASE WHEN ${visible('d')} THEN ${publicCommentJson('d')}::jsonb
                        ELSE jsonb_build_object('id', d.id, 'status', d.status, 'deleted', d.deleted_at IS NOT NULL) END`;
  const rows = [
    `SELECT 1 AS part, d.id::text AS ord, d.event_type AS type, d.article_id,
            jsonb_build_object('comment', ${comment}, 'article', jsonb_build_object('id', a.id, 'slug', a.slug),
                               'fromStatus', d.from_status, 'toStatus', d.status, 'visible', ${visible('d')}, 'visibleDelta', d.delta) AS data
     FROM changed d JOIN articles a ON a.id = d.article_id`,
  ];
  if (counts) {
    rows.push(`SELECT 2, ac.id::text, 'article.comment_count.changed', ac.id,
                      jsonb_build_object('article', jsonb_build_object('id', ac.id, 'slug', ac.slug), 'count', ac.approved_comment_count)
               FROM article_counts ac`);
  }
  return `INSERT INTO domain_events (type, article_id, data)
          SELECT e.type, e.article_id, e.data FROM (${rows.join('\nUNION ALL\n')}) e ORDER BY e.part, e.ord
          RETURNING id`;
}

// ---------------------------------------------------------------------------------------------------------
// Events written through Prisma (inside the caller's transaction)

export function userBannedEvent(user: { id: string; username: string }, until: Date | null, reason: string): Prisma.DomainEventCreateInput {
  return { type: 'user.banned', data: { user: { id: user.id, username: user.username }, until: until?.toISOString() ?? null, reason } };
}

export function userErasedEvent(userId: string): Prisma.DomainEventCreateInput {
  return { type: 'user.erased', data: { user: { id: userId } } };
}

export function userUnbannedEvent(user: { id: string; username: string }): Prisma.DomainEventCreateInput {
  return { type: 'user.unbanned', data: { user: { id: user.id, username: user.username } } };
}

// ---------------------------------------------------------------------------------------------------------
// Reading the log (prepared statements; never "id > last seen" for completeness, see README "Domain events")

const EVENT_COLUMNS = 'id::text AS id, type, article_id AS "articleId", data';

/** The announced events (by id) about the given articles, in log order. */
export const EVENTS_BY_ID = statement<[ids: string[], articleIds: string[]], DomainEventRow>(
  'events:by-id',
  `SELECT ${EVENT_COLUMNS} FROM domain_events WHERE id = ANY($1::bigint[]) AND article_id = ANY($2::uuid[]) ORDER BY id`,
);

/**
 * Resuming a stream: the articles' events after `after` that occurred within the window, in log order, at most
 * `limit`. An event whose transaction began before `after`'s and committed later is not found this way (its id is
 * lower): the counts sent on every (re)connect make up for a missed count.
 */
export const EVENTS_AFTER = statement<[articleIds: string[], after: string, windowSeconds: number, limit: number], DomainEventRow>(
  'events:after',
  `SELECT ${EVENT_COLUMNS} FROM domain_events
   WHERE article_id = ANY($1::uuid[]) AND id > $2::bigint AND occurred_at > now() - make_interval(secs => $3::int)
   ORDER BY id LIMIT $4::int`,
);

/** Whether event `id` still exists and occurred within the window (a resume point this service can continue from). */
export const EVENT_WITHIN = statement<[id: string, windowSeconds: number], { within: boolean }>(
  'events:within',
  'SELECT occurred_at > now() - make_interval(secs => $2::int) AS within FROM domain_events WHERE id = $1::bigint',
);

/** The newest id in the log (0 when empty): where a fresh listener starts. */
export const LAST_EVENT_ID = statement<[], { id: string }>('events:last-id', 'SELECT coalesce(max(id), 0)::text AS id FROM domain_events');
