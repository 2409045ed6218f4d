import { encodeCursor } from '../common/cursor.js';
import { isoUtc, statement } from '../database/sql.js';

/**
 * Every raw SQL statement of the lean read path: the article, the article list, comment pages, one comment, the
 * counts and the per-request user lookup. Plain data (no Nest), so `bench/raw-floor.mjs` runs exactly these
 * statements too.
 *
 * Pages and documents are built as JSON by PostgreSQL (`json_build_object` / `json_agg`) and reach Node as one
 * text value: no per-row JavaScript objects, Date parsing or JSON.stringify on the hot path (half the Node CPU and
 * less PostgreSQL CPU than returning 21 rows of 11 columns, measured).
 *
 * Keyset pages are bound by their index: equality on the index's leading columns, then the row-value comparison
 * `(created_at, id) > ($t, $id)` as an index condition, so the 2,000th page reads as few index entries as the
 * first. The first page uses sentinel keys (±infinity and the lowest/highest uuid) so one statement serves every
 * page. `LIMIT n + 1` tells whether a next page exists.
 */

/**
 * A reader's view of a comment (`c`: a comments row). A deleted one keeps its place, without body or author. A
 * comment whose author erased their account keeps its body but shows no author (`author: null`, `deleted: false`):
 * not even the account's id, so an erased reader's comments cannot be linked to each other or to the old name.
 * The author is a correlated subquery rather than a join: one primary-key lookup per item, a plan that stays
 * right as a prepared statement's generic plan (which cannot know the page size and would hash-join all users).
 */
export const publicCommentJson = (c = 'c') => `json_build_object(
  'id', ${c}.id,
  'body', CASE WHEN ${c}.deleted_at IS NULL THEN ${c}.body END,
  'author', CASE WHEN ${c}.deleted_at IS NULL
                 THEN (SELECT json_build_object('id', u.id, 'username', u.username) FROM users u WHERE u.id = ${c}.author_id AND u.deleted_at IS NULL) END,
  'status', ${c}.status,
  'deleted', ${c}.deleted_at IS NOT NULL,
  'parentId', ${c}.parent_id,
  'rootId', ${c}.root_id,
  'depth', ${c}.depth,
  'createdAt', ${isoUtc(`${c}.created_at`)},
  'editedAt', ${isoUtc(`${c}.edited_at`)})`;

const articleJson = (a = 'a') => `json_build_object(
  'id', ${a}.id, 'slug', ${a}.slug, 'title', ${a}.title, 'language', ${a}.language, 'blocks', ${a}.blocks,
  'commentCount', ${a}.approved_comment_count, 'commentsOpen', ${a}.comments_open, 'moderation', ${a}.moderation_mode,
  'publishedAt', ${isoUtc(`${a}.published_at`)}, 'url', ${a}.url, 'externalId', ${a}.external_id, 'updatedAt', ${isoUtc(`${a}.updated_at`)})`;

export const articleSummaryJson = (a = 'p') => `json_build_object(
  'id', ${a}.id, 'slug', ${a}.slug, 'title', ${a}.title, 'language', ${a}.language,
  'commentCount', ${a}.approved_comment_count, 'commentsOpen', ${a}.comments_open, 'publishedAt', ${isoUtc(`${a}.published_at`)},
  'url', ${a}.url, 'externalId', ${a}.external_id)`;

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
}

/** `{"items":[…],"nextCursor":"…"|null}`: the page document, assembled without parsing the items. */
export function pageJson(row: PageRow): string {
  // base64url needs no JSON escaping.
  const next = row.more && row.last_t !== null && row.last_id !== null ? `"${encodeCursor(row.last_t, row.last_id)}"` : 'null';
  return `{"items":${row.items},"nextCursor":${next}}`;
}

/**
 * Wraps `rows` (a subquery returning at most `limit + 1` rows in page order, with `key` and `id` columns) into
 * one PageRow.
 */
function keysetPage(opts: { rows: string; key: string; order: SortOrder; limit: string; item: string; extra?: string }): string {
  const dir = opts.order === 'asc' ? 'ASC' : 'DESC';
  return `
SELECT ${opts.extra ? `${opts.extra}, ` : ''}coalesce(json_agg(${opts.item} ORDER BY p.rn) FILTER (WHERE p.rn <= ${opts.limit}), '[]')::text AS items,
       bool_or(p.rn > ${opts.limit}) AS more,
       max(${isoUtc(`p.${opts.key}`)}) FILTER (WHERE p.rn = ${opts.limit}) AS last_t,
       max(p.id::text) FILTER (WHERE p.rn = ${opts.limit}) AS last_id
FROM (SELECT q.*, row_number() OVER (ORDER BY q.${opts.key} ${dir}, q.id ${dir}) AS rn FROM (${opts.rows}) q) p`;
}

// ---------------------------------------------------------------------------------------------------------
// Articles

export const ARTICLE = statement<[slug: string], { json: string }>(
  'read:article',
  `SELECT json_build_object('article', ${articleJson('a')})::text AS json FROM articles a WHERE a.slug = $1`,
);

/** Newest first. Params: last key (published_at, id) or FIRST_PAGE_KEY.desc, page size. */
export const ARTICLE_PAGE = statement<[t: string, id: string, limit: number], PageRow>(
  'read:article-page',
  keysetPage({
    rows: `SELECT a.id, a.slug, a.title, a.language, a.approved_comment_count, a.comments_open, a.published_at, a.url, a.external_id
           FROM articles a WHERE (a.published_at, a.id) < ($1::timestamptz, $2::uuid)
           ORDER BY a.published_at DESC, a.id DESC LIMIT $3::int + 1`,
    key: 'published_at',
    order: 'desc',
    limit: '$3::int',
    item: articleSummaryJson('p'),
  }),
);

// ---------------------------------------------------------------------------------------------------------
// Comments

/** article: the whole article; parent: direct replies of one comment; root: a whole thread under a top-level comment. */
export type CommentScope = 'article' | 'parent' | 'root';

const COMMENT_COLUMNS = 'c.id, c.author_id, c.parent_id, c.root_id, c.depth, c.body, c.status, c.created_at, c.edited_at, c.deleted_at';

/**
 * Params: $1 slug, $2 last created_at, $3 last id (or FIRST_PAGE_KEY), $4 page size, then the viewer id (signed-in
 * variants) and then the parent/root comment id (parent and root scopes).
 */
export type CommentPageParams =
  | [slug: string, t: string, id: string, limit: number]
  | [slug: string, t: string, id: string, limit: number, viewerOrScopeId: string]
  | [slug: string, t: string, id: string, limit: number, viewerId: string, scopeId: string];

export interface CommentPageRow extends PageRow {
  /** false: no article with this slug. */
  found: boolean;
}

function commentPageSql(scope: CommentScope, order: SortOrder, signedIn: boolean): string {
  const cmp = order === 'asc' ? '>' : '<';
  const dir = order === 'asc' ? 'ASC' : 'DESC';
  const viewer = '$5::uuid';
  const scopeId = signedIn ? '$6::uuid' : '$5::uuid';
  const scopeCond = {
    article: 'c.article_id = (SELECT id FROM a)',
    parent: `c.parent_id = ${scopeId} AND c.article_id = (SELECT id FROM a)`,
    root: `c.root_id = ${scopeId} AND c.article_id = (SELECT id FROM a)`,
  }[scope];
  const branch = (cond: string) =>
    `SELECT ${COMMENT_COLUMNS} FROM comments c
     WHERE ${scopeCond} AND ${cond} AND (c.created_at, c.id) ${cmp} ($2::timestamptz, $3::uuid)
     ORDER BY c.created_at ${dir}, c.id ${dir} LIMIT $4::int + 1`;
  // Readers see approved comments (deleted ones as placeholders). A signed-in reader also sees their own pending
  // ones: a second index scan merged with the first (UNION ALL), never `approved OR (pending AND mine)`, which
  // PostgreSQL can only answer by reading every comment of the article.
  const rows = signedIn
    ? `(${branch(`c.status = 'approved'`)})
       UNION ALL
       (${branch(`c.status = 'pending' AND c.author_id = ${viewer} AND c.deleted_at IS NULL`)})
       ORDER BY created_at ${dir}, id ${dir} LIMIT $4::int + 1`
    : branch(`c.status = 'approved'`);
  return `WITH a AS (SELECT id FROM articles WHERE slug = $1)
${keysetPage({
  rows,
  key: 'created_at',
  order,
  limit: '$4::int',
  item: publicCommentJson('p'),
  extra: 'EXISTS (SELECT 1 FROM a) AS found',
})}`;
}

const COMMENT_PAGES = new Map(
  (['article', 'parent', 'root'] as const).flatMap((scope) =>
    (['asc', 'desc'] as const).flatMap((order) =>
      [false, true].map((signedIn) => {
        const key = `${scope}:${order}:${signedIn ? 'signed-in' : 'anonymous'}`;
        return [key, statement<CommentPageParams, CommentPageRow>(`read:comments:${key}`, commentPageSql(scope, order, signedIn))] as const;
      }),
    ),
  ),
);

export function commentPageStatement(scope: CommentScope, order: SortOrder, signedIn: boolean) {
  return COMMENT_PAGES.get(`${scope}:${order}:${signedIn ? 'signed-in' : 'anonymous'}`)!;
}

/** One comment with what the visibility check needs (comment-policy.ts `canView`). */
export const COMMENT = statement<[id: string], { status: string; author_id: string; deleted_at: Date | null; json: string }>(
  'read:comment',
  `SELECT c.status::text AS status, c.author_id, c.deleted_at, ${publicCommentJson('c')}::text AS json FROM comments c WHERE c.id = $1`,
);

// ---------------------------------------------------------------------------------------------------------
// Counts: the counter column, kept exact in the same transaction as every visibility change (comment-state.ts).

export const COUNT_ONE = statement<[slug: string], { c: number }>(
  'read:count-one',
  'SELECT approved_comment_count AS c FROM articles WHERE slug = $1',
);

export const COUNT_MANY = statement<[slugs: string[]], { slug: string; c: number }>(
  'read:count-many',
  'SELECT slug, approved_comment_count AS c FROM articles WHERE slug = ANY($1::text[])',
);

/** Live-update streams: the articles to subscribe to (id for the event log, slug and count for the first events). */
export const STREAM_ARTICLES = statement<[slugs: string[]], { id: string; slug: string; count: number }>(
  'read:stream-articles',
  'SELECT id, slug, approved_comment_count AS count FROM articles WHERE slug = ANY($1::text[])',
);

// ---------------------------------------------------------------------------------------------------------
// The signed-in caller, loaded on every authenticated request so bans and role changes apply at once.

export interface AuthUserRow {
  id: string;
  /** Null for some accounts created by a publisher sign-in (SSO). */
  email: string | null;
  username: string;
  role: 'reader' | 'moderator' | 'admin';
  banned_at: Date | null;
  banned_until: Date | null;
  deleted_at: Date | null;
}

export const AUTH_USER = statement<[id: string], AuthUserRow>(
  'read:auth-user',
  'SELECT id, email, username, role::text AS role, banned_at, banned_until, deleted_at FROM users WHERE id = $1',
);

// ---------------------------------------------------------------------------------------------------------
// What a write reads first (its checks run in JavaScript; the change itself is comment-state.ts).

export interface PostContextRow {
  article_id: string | null;
  comments_open: boolean | null;
  moderation_mode: 'pre' | 'post' | null;
  trusted_bypass: boolean | null;
  author_approved: number | null;
  parent_id: string | null;
  parent_article_id: string | null;
  parent_root_id: string | null;
  parent_depth: number | null;
  parent_status: string | null;
  parent_deleted_at: Date | null;
  /** The author's earlier comment with this Idempotency-Key, and the payload hash it was created with. */
  prior_view: string | null;
  prior_hash: string | null;
}

/** Everything posting a comment checks, in one round trip. Params: slug, author, parent (or null), key (or null). */
export const POST_CONTEXT = statement<[slug: string | null, authorId: string, parentId: string | null, key: string | null], PostContextRow>(
  'read:post-context',
  `SELECT a.id AS article_id, a.comments_open, a.moderation_mode::text AS moderation_mode, a.trusted_bypass,
          au.approved_comment_count AS author_approved,
          p.id AS parent_id, p.article_id AS parent_article_id, p.root_id AS parent_root_id, p.depth AS parent_depth,
          p.status::text AS parent_status, p.deleted_at AS parent_deleted_at,
          pr.view AS prior_view, pr.hash AS prior_hash
   FROM (SELECT 1) one
   LEFT JOIN articles a ON a.slug = $1::text
   LEFT JOIN users au ON au.id = $2::uuid
   LEFT JOIN comments p ON p.id = $3::uuid
   LEFT JOIN LATERAL (
     SELECT ${publicCommentJson('pc')}::text AS view, pc.idempotency_hash AS hash
     FROM comments pc WHERE pc.author_id = $2::uuid AND pc.idempotency_key = $4::text
   ) pr ON true`,
);

export interface CommentForChangeRow {
  id: string;
  article_id: string;
  author_id: string;
  status: 'pending' | 'approved' | 'rejected' | 'spam';
  deleted_at: Date | null;
  version: number;
  body: string;
  created_at: Date;
  comments_open: boolean;
  moderation_mode: 'pre' | 'post';
  trusted_bypass: boolean;
  author_approved: number;
  /** Notices (DSA Art. 16) not yet decided: while there are any, an edit never approves the comment by itself. */
  open_notice_count: number;
}

/** A comment with what an edit or a delete checks (its article's moderation settings, its author's standing). */
export const COMMENT_FOR_CHANGE = statement<[id: string], CommentForChangeRow>(
  'read:comment-for-change',
  `SELECT c.id, c.article_id, c.author_id, c.status::text AS status, c.deleted_at, c.version, c.body, c.created_at, c.open_notice_count,
          a.comments_open, a.moderation_mode::text AS moderation_mode, a.trusted_bypass, u.approved_comment_count AS author_approved
   FROM comments c JOIN articles a ON a.id = c.article_id JOIN users u ON u.id = c.author_id
   WHERE c.id = $1`,
);
