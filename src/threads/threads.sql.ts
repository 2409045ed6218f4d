import { isoUtc, statement } from '../database/sql.js';
import { articleSummaryJson } from '../articles/articles.sql.js';
import { publicCommentJson } from '../comment-core/comment-json.js';
import type { SortOrder } from '../database/json-pages.js';

/**
 * A page of threads: top-level comments (newest or oldest first, keyset-paginated on (created_at, id) through the
 * partial index comments_top_level_idx), each with its first replies (the whole thread under it, oldest first,
 * through (root_id, status, created_at, id)) and how many replies it has. One statement, one row per thread, every
 * comment already as JSON text (comment-core/comment-json.ts publicCommentJson): the reader's widget draws its first screen
 * from one response, and the article page renders the same rows server-side.
 *
 * Params: $1 slug, $2 last created_at, $3 last id (or FIRST_PAGE_KEY), $4 threads per page, $5 replies per thread,
 * then (signed-in variants) $6 the viewer, whose own pending comments are included like on the comment pages.
 */
/** Then, for `top`, the last item's reaction count (after the viewer id when signed in). */
export type ThreadPageParams = [slug: string, t: string, id: string, limit: number, replies: number, ...rest: (string | number)[]];

/** Threads oldest first, newest first, or most reactions first (then newest). */
export type ThreadSort = SortOrder | 'top';

export interface ThreadRow {
  /** `{ id, slug, title, … }` of the article (ArticleSummaryDto), on every row. */
  article: string;
  /** Null on the one row of an article without (visible) comments. */
  json: string | null;
  rn: number | null;
  id: string | null;
  /** The first replies as a JSON array, oldest first. */
  replies: string | null;
  replies_more: boolean | null;
  replies_last_t: string | null;
  replies_last_id: string | null;
  reply_count: number | null;
  last_t: string | null;
  /** The reaction count of the row (the cursor's score on `top` pages). */
  last_s: number | null;
}

/** Reply counts stop here: the widget says "1000+". */
export const REPLY_COUNT_CAP = 1000;

const COLUMNS =
  'c.id, c.author_id, c.parent_id, c.root_id, c.depth, c.body, c.status, c.created_at, c.edited_at, c.deleted_at, c.reactions, c.reaction_count, c.reply_count, c.featured_at';

function threadPageSql(sort: ThreadSort, signedIn: boolean): string {
  const order: SortOrder = sort === 'asc' ? 'asc' : 'desc';
  const cmp = order === 'asc' ? '>' : '<';
  const dir = order === 'asc' ? 'ASC' : 'DESC';
  const viewer = '$6::uuid';
  const scored = sort === 'top';
  const score = signedIn ? '$7::int' : '$6::int';
  // sort=top: the cursor carries the reaction count (docs/api.md, "Comment orders"); comments_top_level_top_idx.
  const after = scored
    ? `(c.reaction_count, c.created_at, c.id) ${cmp} (${score}, $2::timestamptz, $3::uuid)`
    : `(c.created_at, c.id) ${cmp} ($2::timestamptz, $3::uuid)`;
  const orderBy = (q: string) => `${scored ? `${q}reaction_count ${dir}, ` : ''}${q}created_at ${dir}, ${q}id ${dir}`;
  const top = (cond: string) =>
    `SELECT ${COLUMNS} FROM comments c
     WHERE c.article_id = (SELECT id FROM a) AND c.parent_id IS NULL AND ${cond}
       AND ${after}
     ORDER BY ${orderBy('c.')} LIMIT $4::int + 1`;
  // As on the comment pages: the viewer's own pending comments are a second index scan merged with the first.
  const tops = signedIn
    ? `(${top(`c.status = 'approved'`)})
       UNION ALL
       (${top(`c.status = 'pending' AND c.author_id = ${viewer} AND c.deleted_at IS NULL`)})
       ORDER BY ${orderBy('')} LIMIT $4::int + 1`
    : top(`c.status = 'approved'`);
  const reply = (cond: string) =>
    `SELECT ${COLUMNS} FROM comments c WHERE c.root_id = t.id AND ${cond} ORDER BY c.created_at, c.id LIMIT $5::int + 1`;
  const replies = signedIn
    ? `(${reply(`c.status = 'approved'`)})
       UNION ALL
       (${reply(`c.status = 'pending' AND c.author_id = ${viewer} AND c.deleted_at IS NULL`)})
       ORDER BY created_at, id LIMIT $5::int + 1`
    : reply(`c.status = 'approved'`);
  // Counted up to REPLY_COUNT_CAP: a page of threads never reads a whole 50,000-reply thread to say "1000+". The
  // ORDER BY keeps the planner on the thread's index (with only a LIMIT it may bet on a sequential scan).
  const counted = (cond: string) =>
    `(SELECT count(*) FROM (SELECT 1 FROM comments c WHERE c.root_id = t.id AND ${cond} ORDER BY c.created_at, c.id LIMIT ${REPLY_COUNT_CAP}) k)`;
  const replyCount = signedIn
    ? `least(${counted(`c.status = 'approved'`)} + ${counted(`c.status = 'pending' AND c.author_id = ${viewer} AND c.deleted_at IS NULL`)}, ${REPLY_COUNT_CAP})`
    : counted(`c.status = 'approved'`);
  return `WITH a AS (SELECT p.id, ${articleSummaryJson('p')}::text AS article FROM articles p WHERE p.slug = $1),
tops AS (SELECT q.*, row_number() OVER (ORDER BY ${orderBy('q.')})::int AS rn FROM (${tops}) q)
SELECT a.article, t.rn, t.id::text AS id, ${isoUtc('t.created_at')} AS last_t, t.reaction_count AS last_s,
       CASE WHEN t.id IS NOT NULL THEN ${publicCommentJson('t', signedIn ? viewer : undefined)}::text END AS json,
       r.items AS replies, r.more AS replies_more, r.last_t AS replies_last_t, r.last_id AS replies_last_id,
       n.total AS reply_count
FROM a
LEFT JOIN tops t ON true
LEFT JOIN LATERAL (
  SELECT coalesce(json_agg(${publicCommentJson('x', signedIn ? viewer : undefined)} ORDER BY x.rn) FILTER (WHERE x.rn <= $5::int), '[]')::text AS items,
         coalesce(bool_or(x.rn > $5::int), false) AS more,
         max(${isoUtc('x.created_at')}) FILTER (WHERE x.rn = $5::int) AS last_t,
         max(x.id::text) FILTER (WHERE x.rn = $5::int) AS last_id
  FROM (SELECT y.*, row_number() OVER (ORDER BY y.created_at, y.id) AS rn FROM (${replies}) y) x
) r ON t.rn <= $4::int
LEFT JOIN LATERAL (SELECT (${replyCount})::int AS total) n ON t.rn <= $4::int
ORDER BY t.rn`;
}

const THREAD_PAGES = new Map(
  (['asc', 'desc', 'top'] as const).flatMap((order) =>
    [false, true].map((signedIn) => {
      const key = `${order}:${signedIn ? 'signed-in' : 'anonymous'}`;
      return [key, statement<ThreadPageParams, ThreadRow>(`read:threads:${key}`, threadPageSql(order, signedIn))] as const;
    }),
  ),
);

export function threadPageStatement(order: ThreadSort, signedIn: boolean) {
  return THREAD_PAGES.get(`${order}:${signedIn ? 'signed-in' : 'anonymous'}`)!;
}
