import { type Db, query } from '../database/db.js';

/**
 * The only writer of the audit log (table `moderation_actions`, append-only: a trigger refuses UPDATE and DELETE).
 * Two forms, both inside the caller's transaction: `appendAudit` adds one row (a ban, a settings change, a webhook
 * change), `auditRowsInsert` is the INSERT … SELECT of a statement that writes its audit rows in a CTE (comment state
 * changes, a webhook endpoint disabled by the worker). `created_at` is the transaction's time (now()).
 */

/** One row. `action` says what happened (approve, ban, role_change, webhook_create, …); the actor is null for the system. */
export interface AuditRecord {
  action: string;
  actorId: string | null;
  commentId?: string | null;
  targetUserId?: string | null;
  articleId?: string | null;
  reason?: string | null;
  /** What changed, for actions that are not status changes (settings before and after, counts, ids). */
  details?: Record<string, unknown>;
}

export async function appendAudit(db: Db, entry: AuditRecord): Promise<void> {
  await query(
    db,
    `INSERT INTO moderation_actions (id, comment_id, moderator_id, target_user_id, article_id, action, reason, details, created_at)
     VALUES (gen_random_uuid(), $1::uuid, $2::uuid, $3::uuid, $4::uuid, $5::text, $6::text, $7::jsonb, now())`,
    [
      entry.commentId ?? null,
      entry.actorId,
      entry.targetUserId ?? null,
      entry.articleId ?? null,
      entry.action,
      entry.reason ?? null,
      entry.details ? JSON.stringify(entry.details) : null,
    ],
  );
}

/** The columns a CTE may fill, each with an SQL expression over its FROM clause (the id is generated). */
export type AuditColumns = Partial<
  Record<
    | 'comment_id'
    | 'moderator_id'
    | 'target_user_id'
    | 'article_id'
    | 'action'
    | 'from_status'
    | 'to_status'
    | 'reason'
    | 'details'
    | 'created_at',
    string
  >
>;

/** `INSERT INTO moderation_actions … SELECT … FROM <from> RETURNING id`: the audit rows of one statement, as a CTE body. */
export function auditRowsInsert(columns: AuditColumns, from: string): string {
  const names = Object.keys(columns);
  return `INSERT INTO moderation_actions (id, ${names.join(', ')})
      SELECT gen_random_uuid(), ${Object.values(columns).join(', ')}
      FROM ${from}
      RETURNING id`;
}
