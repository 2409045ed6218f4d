import { appendAudit } from '../audit/audit-log.js';
import { type Db, query } from '../database/db.js';
import { publicCommentJson } from './comment-json.js';

/**
 * Editors' picks: a moderator features a comment (`comments.featured_at`) or takes the mark back. Only a published
 * comment (approved, not deleted) can be featured; taking it back works whatever the comment became since. Each
 * change is audited (`feature`, `unfeature`) in the caller's transaction; asking for what already is changes nothing.
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
  if (row.was !== featured) {
    await query(db, `UPDATE comments SET featured_at = CASE WHEN $2::boolean THEN now() END WHERE id = $1::uuid`, [commentId, featured]);
    await appendAudit(db, { action: featured ? 'feature' : 'unfeature', actorId, commentId });
  }
  const [after] = await query<{ view: string }>(
    db,
    `SELECT ${publicCommentJson('c')}::text AS view FROM comments c WHERE c.id = $1::uuid`,
    [commentId],
  );
  return { kind: 'done', view: after.view };
}
