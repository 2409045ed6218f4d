import { FIRST_PAGE_KEY, FIRST_PAGE_SCORE, pageJson } from '../database/json-pages.js';
import { one, type Queryable } from '../database/sql.js';
import {
  type AuthorStandingRow,
  COMMENT,
  COMMENT_FOR_CHANGE,
  COMMENT_FOR_VIEWER,
  type CommentForChangeRow,
  type CommentPageParams,
  commentPageStatement,
  type CommentSort,
  type CommentScope,
  POST_CONTEXT,
  type PostContextRow,
} from './comment-reads.sql.js';

/** How much of an author's history the triage rules need: comments to count, decided statuses to list. */
export interface StandingLimits {
  countUpTo: number;
  recent: number;
}
const NO_STANDING: StandingLimits = { countUpTo: 0, recent: 0 };

/** Binds the comment reads of comment-reads.sql.ts on the pool: ready-to-send JSON text, one round trip each. */

export interface CommentPageQuery {
  limit: number;
  sort: CommentSort;
  /** The last item of the previous page; `s`, its score, on score orders. */
  after?: { t: Date; id: string; s?: number };
  /** Only direct replies of (parent) or the whole thread under (root) this comment. */
  within?: { scope: Exclude<CommentScope, 'article'>; id: string };
  /** A signed-in reader also sees their own pending comments. */
  viewerId?: string;
  /** Only editors' picks (article scope). */
  featured?: boolean;
}

export interface CommentRecord {
  status: string;
  authorId: string;
  deletedAt: Date | null;
  /** The reader's view (comment-json.ts publicCommentJson). */
  json: string;
}

/** `{"items":[…],"nextCursor":…}`, or undefined for an unknown slug. */
export async function commentPage(db: Queryable, slug: string, q: CommentPageQuery): Promise<string | undefined> {
  const key = q.after ? { t: q.after.t.toISOString(), id: q.after.id } : FIRST_PAGE_KEY[q.sort === 'asc' ? 'asc' : 'desc'];
  const params: CommentPageParams = [slug, key.t, key.id, q.limit];
  if (q.sort === 'top' || q.sort === 'replies') params.push(q.after?.s ?? FIRST_PAGE_SCORE);
  if (q.viewerId) params.push(q.viewerId);
  if (q.within) params.push(q.within.id);
  const s = commentPageStatement({
    scope: q.within?.scope ?? 'article',
    sort: q.sort,
    signedIn: q.viewerId !== undefined,
    featured: !q.within && q.featured === true,
  });
  const row = (await one(db, s, params))!;
  return row.found ? pageJson(row) : undefined;
}

/** With `viewerId`, the view carries that reader's own reaction (`myReaction`). */
export async function commentRecord(db: Queryable, id: string, viewerId?: string): Promise<CommentRecord | undefined> {
  const row = viewerId ? await one(db, COMMENT_FOR_VIEWER, [id, viewerId]) : await one(db, COMMENT, [id]);
  return row && { status: row.status, authorId: row.author_id, deletedAt: row.deleted_at, json: row.json };
}

/** What posting a comment checks, in one round trip (always one row; absent things are null). */
export async function postContext(
  db: Queryable,
  slug: string | null,
  authorId: string,
  parentId: string | null,
  idempotencyKey: string | null,
  standing: StandingLimits = NO_STANDING,
): Promise<PostContextRow & AuthorStandingRow> {
  return (await one(db, POST_CONTEXT, [slug, authorId, parentId, idempotencyKey, standing.countUpTo, standing.recent]))!;
}

export function commentForChange(
  db: Queryable,
  id: string,
  standing: StandingLimits = NO_STANDING,
): Promise<(CommentForChangeRow & AuthorStandingRow) | undefined> {
  return one(db, COMMENT_FOR_CHANGE, [id, standing.countUpTo, standing.recent]);
}
