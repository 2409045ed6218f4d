import { type Db, query } from '../database/db.js';
import { statement } from '../database/sql.js';

/**
 * The domain event log (table `domain_events`): what happened, in commit order, for the live-update streams (SSE)
 * and webhooks. This file owns the table: the one way to append (`appendEvent`, or `eventRowsInsert` inside a
 * statement's CTE), the scrub of an erased account, and the statements that read it. Rows are appended in the
 * transaction of the change, and a trigger announces them with pg_notify('domain_events', '1,2,3') at commit.
 * Public information only: no emails, no addresses, no body of a comment readers cannot see.
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
  /**
   * A reader added, changed or took back a reaction: `{ comment: { id, reactions, reactionCount }, article }`, the
   * counters after the change (live updates send them at most once a second per comment).
   */
  'comment.reacted',
  /**
   * A moderator featured a comment (an editors' pick) or took the mark back: a comment event whose `featured` says
   * which (the public view carries it too while readers see the comment).
   */
  'comment.featured',
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

/** A reader's view of a comment (comment-core/comment-json.ts publicCommentJson) when visible; otherwise only what is public. */
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
// Appending (inside the caller's transaction)

/** An event to append: its type, the article it is about (null for account events), its public data. */
export interface NewDomainEvent {
  type: DomainEventType;
  articleId?: string | null;
  data: Record<string, unknown>;
}

/** Appends one event in the caller's transaction; the trigger announces it when that transaction commits. */
export async function appendEvent(db: Db, event: NewDomainEvent): Promise<void> {
  await query(db, 'INSERT INTO domain_events (type, article_id, data) VALUES ($1::text, $2::uuid, $3::jsonb)', [
    event.type,
    event.articleId ?? null,
    JSON.stringify(event.data),
  ]);
}

/**
 * `INSERT INTO domain_events … <select> RETURNING id`, for a statement that appends its events in a CTE (the comment
 * state change: src/comment-core/comment-events.ts). `select` returns (type, article_id, data) rows in log order.
 */
export function eventRowsInsert(select: string): string {
  return `INSERT INTO domain_events (type, article_id, data)
          ${select}
          RETURNING id`;
}

export function userBannedEvent(user: { id: string; username: string }, until: Date | null, reason: string): NewDomainEvent {
  return { type: 'user.banned', data: { user: { id: user.id, username: user.username }, until: until?.toISOString() ?? null, reason } };
}

export function userErasedEvent(userId: string): NewDomainEvent {
  return { type: 'user.erased', data: { user: { id: userId } } };
}

export function userUnbannedEvent(user: { id: string; username: string }): NewDomainEvent {
  return { type: 'user.unbanned', data: { user: { id: user.id, username: user.username } } };
}

/**
 * An account's erasure reaches the log too (it keeps events for DOMAIN_EVENTS_RETENTION_HOURS): in the public views
 * of the account's comments the author becomes null, and the words of comments erased in this transaction (empty
 * body) null; in the account's own events the username becomes `placeholder` and a ban's reason null. Found through
 * the log's (article_id, id) index: the articles the account commented on, and the account events (no article).
 */
export async function scrubAccountFromEvents(db: Db, userId: string, placeholder: string): Promise<void> {
  await query(
    db,
    `WITH mine AS (SELECT id, article_id, body = '' AS erased FROM comments WHERE author_id = $1::uuid)
      UPDATE domain_events e
      SET data = jsonb_set(CASE WHEN m.erased AND e.data->'comment' ? 'body' THEN jsonb_set(e.data, '{comment,body}', 'null') ELSE e.data END,
                           '{comment,author}', 'null')
      FROM mine m
      WHERE e.article_id IN (SELECT DISTINCT article_id FROM mine) AND e.data->'comment'->>'id' = m.id::text AND e.data->'comment' ? 'author'`,
    [userId],
  );
  await query(
    db,
    `UPDATE domain_events
      SET data = jsonb_set(CASE WHEN data ? 'reason' THEN jsonb_set(data, '{reason}', 'null') ELSE data END, '{user,username}', to_jsonb($2::text))
      WHERE article_id IS NULL AND type LIKE 'user.%' AND data->'user'->>'id' = $1::text AND data->'user' ? 'username'`,
    [userId, placeholder],
  );
}

// ---------------------------------------------------------------------------------------------------------
// Reading the log (prepared statements; never "id > last seen" for completeness, see README "Domain events")

// `id` is sent as text (a bigint exceeds JSON numbers): queries must ORDER BY domain_events.id, since a bare `id`
// names the text alias, and '10' sorts before '9' (events went out of order, and a resume's LIMIT took the wrong ones).
const EVENT_COLUMNS = 'id::text AS id, type, article_id AS "articleId", data';

/** The announced events (by id) about the given articles, in log order. */
export const EVENTS_BY_ID = statement<[ids: string[], articleIds: string[]], DomainEventRow>(
  'events:by-id',
  `SELECT ${EVENT_COLUMNS} FROM domain_events WHERE id = ANY($1::bigint[]) AND article_id = ANY($2::uuid[]) ORDER BY domain_events.id`,
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
   ORDER BY domain_events.id LIMIT $4::int`,
);

/** Whether event `id` still exists and occurred within the window (a resume point this service can continue from). */
export const EVENT_WITHIN = statement<[id: string, windowSeconds: number], { within: boolean }>(
  'events:within',
  'SELECT occurred_at > now() - make_interval(secs => $2::int) AS within FROM domain_events WHERE id = $1::bigint',
);

/** The newest id in the log (0 when empty): where a fresh listener starts. */
export const LAST_EVENT_ID = statement<[], { id: string }>('events:last-id', 'SELECT coalesce(max(id), 0)::text AS id FROM domain_events');
