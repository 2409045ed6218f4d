import { keysetPage, type PageRow, type SortOrder } from '../database/json-pages.js';
import { statement } from '../database/sql.js';
import { publicCommentJson } from './comment-json.js';

/**
 * The prepared statements that read `comments`: comment pages (the hot public read), one comment, and what a post,
 * an edit or a delete checks first (the change itself is comment-state.ts). Plain data, so `bench/raw-floor.mjs`
 * runs exactly these statements too.
 */

/** article: the whole article; parent: direct replies of one comment; root: a whole thread under a top-level comment. */
export type CommentScope = 'article' | 'parent' | 'root';

const COMMENT_COLUMNS =
  'c.id, c.author_id, c.parent_id, c.root_id, c.depth, c.body, c.status, c.created_at, c.edited_at, c.deleted_at, c.reactions, c.reaction_count, c.reply_count, c.featured_at';

/**
 * How a page is ordered: by time (`asc` oldest first, `desc` newest first), or newest-first within a score: `top`
 * (reactions, `reaction_count`) and `replies` (approved direct replies, `reply_count`). A score changes while a
 * reader pages (docs/api.md, "Comment orders"): the cursor carries the score the last item had.
 */
export type CommentSort = SortOrder | 'top' | 'replies';

const SCORE_COLUMN: Partial<Record<CommentSort, string>> = { top: 'reaction_count', replies: 'reply_count' };

/**
 * Params: $1 slug, $2 last created_at, $3 last id (or FIRST_PAGE_KEY), $4 page size, then the last score (score
 * orders), the viewer id (signed-in variants) and the parent/root comment id (parent and root scopes), in that order.
 */
export type CommentPageParams = [slug: string, t: string, id: string, limit: number, ...rest: (string | number)[]];

export interface CommentPageRow extends PageRow {
  /** false: no article with this slug. */
  found: boolean;
}

export interface CommentPageVariant {
  scope: CommentScope;
  sort: CommentSort;
  signedIn: boolean;
  /** Only editors' picks (article scope). */
  featured: boolean;
}

function commentPageSql({ scope, sort, signedIn, featured }: CommentPageVariant): string {
  const order: SortOrder = sort === 'asc' ? 'asc' : 'desc';
  const cmp = order === 'asc' ? '>' : '<';
  const dir = order === 'asc' ? 'ASC' : 'DESC';
  const score = SCORE_COLUMN[sort];
  // $5.. in CommentPageParams order: the score, the viewer, the scope's comment, each when the variant has it.
  const extra = [score && 'int', signedIn && 'viewer', scope !== 'article' && 'scope'].filter(Boolean);
  const param = (name: string) => (extra.includes(name) ? `$${5 + extra.indexOf(name)}` : '');
  const scoreParam = `${param('int')}::int`;
  const viewer = `${param('viewer')}::uuid`;
  const scopeId = `${param('scope')}::uuid`;
  const scopeCond = {
    article: 'c.article_id = (SELECT id FROM a)',
    parent: `c.parent_id = ${scopeId} AND c.article_id = (SELECT id FROM a)`,
    root: `c.root_id = ${scopeId} AND c.article_id = (SELECT id FROM a)`,
  }[scope];
  const picks = featured ? ' AND c.featured_at IS NOT NULL' : '';
  // The row comparison on the index's trailing columns is its index condition: a deep page reads as few entries as
  // the first, whichever order.
  const after = score
    ? `(c.${score}, c.created_at, c.id) ${cmp} (${scoreParam}, $2::timestamptz, $3::uuid)`
    : `(c.created_at, c.id) ${cmp} ($2::timestamptz, $3::uuid)`;
  const orderBy = (q: string) => `${score ? `${q}${score} ${dir}, ` : ''}${q}created_at ${dir}, ${q}id ${dir}`;
  const branch = (cond: string) =>
    `SELECT ${COMMENT_COLUMNS} FROM comments c
     WHERE ${scopeCond} AND ${cond}${picks} AND ${after}
     ORDER BY ${orderBy('c.')} LIMIT $4::int + 1`;
  // Readers see approved comments (deleted ones as placeholders). A signed-in reader also sees their own pending
  // ones: a second index scan merged with the first (UNION ALL), never `approved OR (pending AND mine)`, which
  // PostgreSQL can only answer by reading every comment of the article.
  const rows = signedIn
    ? `(${branch(`c.status = 'approved'`)})
       UNION ALL
       (${branch(`c.status = 'pending' AND c.author_id = ${viewer} AND c.deleted_at IS NULL`)})
       ORDER BY ${orderBy('')} LIMIT $4::int + 1`
    : branch(`c.status = 'approved'`);
  return `WITH a AS (SELECT id FROM articles WHERE slug = $1)
${keysetPage({
  rows,
  key: 'created_at',
  order,
  limit: '$4::int',
  item: publicCommentJson('p', signedIn ? viewer : undefined),
  extra: 'EXISTS (SELECT 1 FROM a) AS found',
  score,
})}`;
}

const variantKey = (v: CommentPageVariant) =>
  `${v.scope}:${v.sort}:${v.signedIn ? 'signed-in' : 'anonymous'}${v.featured ? ':featured' : ''}`;

const COMMENT_PAGES = new Map(
  (['article', 'parent', 'root'] as const).flatMap((scope) =>
    (['asc', 'desc', 'top', 'replies'] as const).flatMap((sort) =>
      [false, true].flatMap((signedIn) =>
        (scope === 'article' ? [false, true] : [false]).map((featured) => {
          const key = variantKey({ scope, sort, signedIn, featured });
          const sql = commentPageSql({ scope, sort, signedIn, featured });
          return [key, statement<CommentPageParams, CommentPageRow>(`read:comments:${key}`, sql)] as const;
        }),
      ),
    ),
  ),
);

export function commentPageStatement(v: CommentPageVariant) {
  return COMMENT_PAGES.get(variantKey(v))!;
}

/** One comment as a signed-in reader sees it (with `myReaction`). */
export const COMMENT_FOR_VIEWER = statement<
  [id: string, viewerId: string],
  { status: string; author_id: string; deleted_at: Date | null; json: string }
>(
  'read:comment:signed-in',
  `SELECT c.status::text AS status, c.author_id, c.deleted_at, ${publicCommentJson('c', '$2::uuid')}::text AS json FROM comments c WHERE c.id = $1`,
);

/** One comment with what the visibility check needs (comment-policy.ts `canView`). */
export const COMMENT = statement<[id: string], { status: string; author_id: string; deleted_at: Date | null; json: string }>(
  'read:comment',
  `SELECT c.status::text AS status, c.author_id, c.deleted_at, ${publicCommentJson('c')}::text AS json FROM comments c WHERE c.id = $1`,
);

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

/** What the triage rules (src/triage) know of an author and an article, read with the rest. */
export interface AuthorStandingRow {
  article_url: string | null;
  /** The article's overrides of the triage rules (null: none). */
  triage_overrides: unknown;
  author_role: 'reader' | 'moderator' | 'admin' | null;
  author_created_at: Date | null;
  /** The domain of the author's e-mail (null: an account without one). */
  author_email_domain: string | null;
  /** The author's comments, any status, counted up to the limit asked for. */
  author_comments: number;
  /** Statuses of the author's latest decided comments, newest first (as many as asked for). */
  author_recent: string[];
}

/**
 * The author's standing for the triage rules, as columns over `a` (articles) and `au` (users): $n is how many
 * comments to count, $n+1 how many decided ones to list (0 when no rule needs them: the index scan stops at once).
 */
const authorStanding = (countParam: number, recentParam: number) => `a.url AS article_url, a.triage_overrides, au.role::text AS author_role,
          au.created_at AS author_created_at, lower(NULLIF(split_part(au.email, '@', 2), '')) AS author_email_domain,
          (SELECT count(*)::int FROM (SELECT 1 FROM comments x WHERE x.author_id = au.id LIMIT $${countParam}::int) q) AS author_comments,
          ARRAY(SELECT x.status::text FROM comments x WHERE x.author_id = au.id AND x.status <> 'pending'
                ORDER BY x.created_at DESC LIMIT $${recentParam}::int) AS author_recent`;

/** Everything posting a comment checks, in one round trip. Params: slug, author, parent (or null), key (or null). */
export const POST_CONTEXT = statement<
  [slug: string | null, authorId: string, parentId: string | null, key: string | null, countUpTo: number, recent: number],
  PostContextRow & AuthorStandingRow
>(
  'read:post-context',
  `SELECT a.id AS article_id, a.comments_open, a.moderation_mode::text AS moderation_mode, a.trusted_bypass,
          au.approved_comment_count AS author_approved, ${authorStanding(5, 6)},
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
export const COMMENT_FOR_CHANGE = statement<[id: string, countUpTo: number, recent: number], CommentForChangeRow & AuthorStandingRow>(
  'read:comment-for-change',
  `SELECT c.id, c.article_id, c.author_id, c.status::text AS status, c.deleted_at, c.version, c.body, c.created_at, c.open_notice_count,
          a.comments_open, a.moderation_mode::text AS moderation_mode, a.trusted_bypass, au.approved_comment_count AS author_approved,
          ${authorStanding(2, 3)}
   FROM comments c JOIN articles a ON a.id = c.article_id JOIN users au ON au.id = c.author_id
   WHERE c.id = $1`,
);
