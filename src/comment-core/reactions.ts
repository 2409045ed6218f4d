import { type Db, query } from '../database/db.js';
import { statement, one, type Queryable } from '../database/sql.js';
import { eventRowsInsert } from '../events/domain-events.js';

/**
 * Readers' reactions to comments (table `comment_reactions`, one per reader and comment) and their counters on the
 * comment (`reactions` per kind, `reaction_count` in all). Like the approved-comment counters, a counter moves only
 * in the statement that adds, changes or removes the reaction row: the UPDATE takes the comment's row lock and adds
 * its delta to the value it finds there, so concurrent reactions all count, and recount.ts finds no drift.
 * The same statement appends `comment.reacted` to the event log (live updates, webhooks).
 */

/** The counters after the change: `{ like: 3 }` (kinds without a reaction are absent) and their sum. */
export interface ReactionCounts {
  reactions: Record<string, number>;
  reactionCount: number;
}

export type ReactionOutcome =
  | ({ kind: 'done'; mine: string | null; changed: boolean } & ReactionCounts)
  /** No comment with this id that readers can react to (unknown, not approved, or deleted). */
  | { kind: 'not-found' }
  | { kind: 'own' };

/**
 * `reactions` with one reaction of `plus` added and one of `minus` taken away (either may be null), zero kinds
 * dropped; `c` is the comments row, `u` the row carrying new_kind/old_kind.
 */
const adjusted = `(SELECT coalesce(jsonb_object_agg(e.key, e.n) FILTER (WHERE e.n > 0), '{}'::jsonb)
   FROM (SELECT x.key, sum(x.n)::int AS n FROM (
           SELECT key, value::int AS n FROM jsonb_each_text(c.reactions)
           UNION ALL SELECT u.new_kind, 1 WHERE u.new_kind IS NOT NULL
           UNION ALL SELECT u.old_kind, -1 WHERE u.old_kind IS NOT NULL) x
         GROUP BY x.key) e)`;

/** The counter update and its event, after a CTE `u(new_kind, old_kind)` with at most one row. */
const countAndAnnounce = `
counted AS (
  UPDATE comments c
  SET reactions = ${adjusted},
      reaction_count = c.reaction_count + (u.new_kind IS NOT NULL AND u.old_kind IS NULL)::int - (u.new_kind IS NULL AND u.old_kind IS NOT NULL)::int
  FROM u WHERE c.id = $1::uuid
  RETURNING c.id, c.article_id, c.reactions, c.reaction_count
),
events AS (${eventRowsInsert(`
  SELECT 'comment.reacted', k.article_id,
         jsonb_build_object('comment', jsonb_build_object('id', k.id, 'reactions', k.reactions, 'reactionCount', k.reaction_count),
                            'article', jsonb_build_object('id', a.id, 'slug', a.slug))
  FROM counted k JOIN articles a ON a.id = k.article_id`)})`;

interface ReactionRow {
  found: boolean;
  own: boolean;
  changed: boolean;
  mine: string | null;
  reactions: Record<string, number>;
  reaction_count: number;
}

// The row's previous_kind tells an insert (null) from a change of kind (the locked row's kind, which the update
// keeps: exact under concurrent PUTs by the same reader, and PostgreSQL 15 has no RETURNING old.*); an unchanged
// kind updates nothing (the WHERE of DO UPDATE), so a repeated PUT returns no row and moves no counter.
const REACT = statement<[commentId: string, userId: string, kind: string], ReactionRow>(
  'write:reaction:put',
  `WITH target AS (
     SELECT c.id, c.author_id, c.reactions, c.reaction_count FROM comments c
     WHERE c.id = $1::uuid AND c.status = 'approved' AND c.deleted_at IS NULL
   ),
   u AS (
     INSERT INTO comment_reactions (comment_id, user_id, kind)
     SELECT t.id, $2::uuid, $3::text FROM target t WHERE t.author_id <> $2::uuid
     ON CONFLICT (comment_id, user_id) DO UPDATE
       SET kind = EXCLUDED.kind, previous_kind = comment_reactions.kind, created_at = now()
       WHERE comment_reactions.kind <> EXCLUDED.kind
     RETURNING kind AS new_kind, previous_kind AS old_kind
   ),
   ${countAndAnnounce}
   SELECT EXISTS (SELECT 1 FROM target) AS found,
          coalesce((SELECT t.author_id = $2::uuid FROM target t), false) AS own,
          EXISTS (SELECT 1 FROM counted) AS changed,
          CASE WHEN EXISTS (SELECT 1 FROM target t WHERE t.author_id <> $2::uuid) THEN $3::text END AS mine,
          coalesce((SELECT reactions FROM counted), (SELECT reactions FROM target), '{}'::jsonb) AS reactions,
          coalesce((SELECT reaction_count FROM counted), (SELECT reaction_count FROM target), 0) AS reaction_count`,
);

// Removing one's reaction works on any comment that still exists (one hidden since keeps its counters right).
const UNREACT = statement<[commentId: string, userId: string], ReactionRow>(
  'write:reaction:delete',
  `WITH target AS (SELECT c.id, c.author_id, c.reactions, c.reaction_count FROM comments c WHERE c.id = $1::uuid),
   u AS (
     DELETE FROM comment_reactions WHERE comment_id = $1::uuid AND user_id = $2::uuid
     RETURNING NULL::text AS new_kind, kind AS old_kind
   ),
   ${countAndAnnounce}
   SELECT EXISTS (SELECT 1 FROM target) AS found, false AS own, EXISTS (SELECT 1 FROM counted) AS changed, NULL::text AS mine,
          coalesce((SELECT reactions FROM counted), (SELECT reactions FROM target), '{}'::jsonb) AS reactions,
          coalesce((SELECT reaction_count FROM counted), (SELECT reaction_count FROM target), 0) AS reaction_count`,
);

function outcome(row: ReactionRow | undefined): ReactionOutcome {
  if (!row?.found) return { kind: 'not-found' };
  if (row.own) return { kind: 'own' };
  return { kind: 'done', mine: row.mine, changed: row.changed, reactions: row.reactions, reactionCount: row.reaction_count };
}

/** Sets the reader's reaction to `kind` (adds it, or changes its kind): one statement, autocommit. */
export async function react(db: Queryable, commentId: string, userId: string, kind: string): Promise<ReactionOutcome> {
  return outcome(await one(db, REACT, [commentId, userId, kind]));
}

/** Takes the reader's reaction back, if any. */
export async function unreact(db: Queryable, commentId: string, userId: string): Promise<ReactionOutcome> {
  return outcome(await one(db, UNREACT, [commentId, userId]));
}

/**
 * Account erasure (GDPR Art. 17): the account's reactions go, and the counters of the comments they were on go down
 * with them, in the caller's transaction. No `comment.reacted` events: nothing about the account is announced.
 */
export async function eraseReactions(db: Db, userId: string): Promise<number> {
  const rows = await query<{ id: string }>(
    db,
    `WITH u AS (DELETE FROM comment_reactions WHERE user_id = $1::uuid RETURNING comment_id, NULL::text AS new_kind, kind AS old_kind)
     UPDATE comments c SET reactions = ${adjusted}, reaction_count = c.reaction_count - 1
     FROM u WHERE c.id = u.comment_id
     RETURNING c.id`,
    [userId],
  );
  return rows.length;
}
