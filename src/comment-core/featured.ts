import { appendAudit } from '../audit/audit-log.js';
import { type Db, query } from '../database/db.js';
import { appendEvent } from '../events/domain-events.js';
import { publicCommentJson } from './comment-json.js';

/**
 * Editors' picks: a moderator features a comment (`comments.featured_at`) or takes the mark back. Only a published
 * comment (approved, not deleted) can be featured; taking it back works whatever the comment became since. Each
 * change is audited (`feature`, `unfeature`) and announced (`comment.featured`, with `featured` true or false: the
 * widget's live update marks it at once) in the caller's transaction; asking for what already is changes nothing.
 */
export type FeatureOutcome = { kind: 'done'; view: string } | { kind: 'not-found' } | { kind: 'not-published' };

export async function setFeatured(db: Db, commentId: string, featured: boolean, actorId: string): Promise<FeatureOutcome> {
  const [row] = await query<{ status: string; deleted: boolean; was: boolean }>(
    db,
    `SELECT status::text AS status, deleted_at IS NOT NULL AS deleted, featured_at IS NOT NULL AS was FROM comments WHERE id = $1::uuid FOR UPDATE`,
    [commentId],
  );
  if (!row) return { kind: 'not-found' };
  if (featured && (row.status !== 'approved' || row.deleted)) return { kind: 'not-published' };
  const changed = row.was !== featured;
  if (changed) {
    await query(db, `UPDATE comments SET featured_at = CASE WHEN $2::boolean THEN now() END WHERE id = $1::uuid`, [commentId, featured]);
    await appendAudit(db, { action: featured ? 'feature' : 'unfeature', actorId, commentId });
  }
  const [after] = await query<{ view: string; articleId: string; slug: string }>(
    db,
    `SELECT ${publicCommentJson('c')}::text AS view, a.id::text AS "articleId", a.slug
     FROM comments c JOIN articles a ON a.id = c.article_id WHERE c.id = $1::uuid`,
    [commentId],
  );
  if (changed) {
    // A comment event like the others (CommentEventData): the public view while readers see it, else only what is public.
    const visible = row.status === 'approved' && !row.deleted;
    await appendEvent(db, {
      type: 'comment.featured',
      articleId: after.articleId,
      data: {
        comment: visible ? JSON.parse(after.view) : { id: commentId, status: row.status, deleted: row.deleted },
        article: { id: after.articleId, slug: after.slug },
        featured,
        fromStatus: row.status,
        toStatus: row.status,
        visible,
        visibleDelta: 0,
      },
    });
  }
  return { kind: 'done', view: after.view };
}
