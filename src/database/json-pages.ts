import { encodeCursor } from '../common/cursor.js';
import { isoUtc } from './sql.js';

/**
 * Keyset pages built as JSON by PostgreSQL (`json_agg`), reaching Node as one text value: no per-row objects, Date
 * parsing or JSON.stringify on the hot read paths (articles/articles.sql.ts, comment-core/comment-reads.sql.ts).
 * A page is bound by its index: equality on the leading columns, then `(t, id) > ($t, $id)` as an index condition,
 * so a deep page reads as few entries as the first. The first page uses sentinel keys (FIRST_PAGE_KEY), so one
 * statement serves every page; `LIMIT n + 1` tells whether a next page exists.
 */

export type SortOrder = 'asc' | 'desc';

/** The first page's keys: everything sorts after them (asc) or before them (desc). */
export const FIRST_PAGE_KEY: Readonly<Record<SortOrder, { t: string; id: string }>> = {
  asc: { t: '-infinity', id: '00000000-0000-0000-0000-000000000000' },
  desc: { t: 'infinity', id: 'ffffffff-ffff-ffff-ffff-ffffffffffff' },
};

/** One page as JSON plus the key of its last item when another page follows (the caller encodes the cursor). */
export interface PageRow {
  items: string;
  more: boolean | null;
  last_t: string | null;
  last_id: string | null;
  /** The last item's score, on pages ordered by one (keysetPage `score`). */
  last_s?: number | null;
}

/** A score-first order's first page key: every score sorts below it (scores are int4 counters). */
export const FIRST_PAGE_SCORE = 2_147_483_647;

/** `{"items":[…],"nextCursor":"…"|null}`: the page document, assembled without parsing the items. */
export function pageJson(row: PageRow): string {
  // base64url needs no JSON escaping.
  const next =
    row.more && row.last_t !== null && row.last_id !== null
      ? `"${encodeCursor(row.last_t, row.last_id, row.last_s ?? undefined)}"`
      : 'null';
  return `{"items":${row.items},"nextCursor":${next}}`;
}

/**
 * Wraps `rows` (a subquery returning at most `limit + 1` rows in page order, with `key` and `id` columns, and the
 * `score` column when the order starts with one) into one PageRow.
 */
export function keysetPage(opts: {
  rows: string;
  key: string;
  order: SortOrder;
  limit: string;
  item: string;
  extra?: string;
  score?: string;
}): string {
  const dir = opts.order === 'asc' ? 'ASC' : 'DESC';
  const score = opts.score ? `q.${opts.score} ${dir}, ` : '';
  const lastScore = opts.score
    ? `,
       max(p.${opts.score}) FILTER (WHERE p.rn = ${opts.limit}) AS last_s`
    : '';
  return `
SELECT ${opts.extra ? `${opts.extra}, ` : ''}coalesce(json_agg(${opts.item} ORDER BY p.rn) FILTER (WHERE p.rn <= ${opts.limit}), '[]')::text AS items,
       bool_or(p.rn > ${opts.limit}) AS more,
       max(${isoUtc(`p.${opts.key}`)}) FILTER (WHERE p.rn = ${opts.limit}) AS last_t,
       max(p.id::text) FILTER (WHERE p.rn = ${opts.limit}) AS last_id${lastScore}
FROM (SELECT q.*, row_number() OVER (ORDER BY ${score}q.${opts.key} ${dir}, q.id ${dir}) AS rn FROM (${opts.rows}) q) p`;
}
