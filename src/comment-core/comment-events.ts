import { eventRowsInsert } from '../events/domain-events.js';
import { publicCommentJson } from './comment-json.js';

/**
 * The domain events of one comment state statement (comment-statement.ts, CTE `events`): one per changed comment
 * (`comment.*`) and one per article whose count moved (`article.comment_count.changed`), appended through the event
 * log's own INSERT (events/domain-events.ts).
 */

/** The event type of a `changed` row (`c`), by what the statement did to it. */
export const commentEventType = {
  created: `'comment.created'`,
  deleted: `'comment.deleted'`,
  edited: `'comment.updated'`,
  decided: (c: string) =>
    `CASE ${c}.status WHEN 'approved' THEN 'comment.approved' WHEN 'pending' THEN 'comment.requeued' ELSE 'comment.rejected' END`,
} as const;

const visible = (c: string) => `(${c}.status = 'approved' AND ${c}.deleted_at IS NULL)`;

/**
 * The CTE body: one row per `changed` row (which carries `event_type`, `from_status`, `delta`), then, with `counts`,
 * one per row of `article_counts` (id, slug, approved_comment_count). Comment events get lower ids than the count
 * they caused. A comment readers cannot see carries only its id, status and whether it is deleted.
 */
export function commentEventsInsert(counts: boolean): string {
  const comment = `CASE WHEN ${visible('d')} THEN ${publicCommentJson('d')}::jsonb
                        ELSE jsonb_build_object('id', d.id, 'status', d.status, 'deleted', d.deleted_at IS NOT NULL) END`;
  const rows = [
    `SELECT 1 AS part, d.id::text AS ord, d.event_type AS type, d.article_id,
            jsonb_build_object('comment', ${comment}, 'article', jsonb_build_object('id', a.id, 'slug', a.slug),
                               'fromStatus', d.from_status, 'toStatus', d.status, 'visible', ${visible('d')}, 'visibleDelta', d.delta) AS data
     FROM changed d JOIN articles a ON a.id = d.article_id`,
  ];
  if (counts) {
    rows.push(`SELECT 2, ac.id::text, 'article.comment_count.changed', ac.id,
                      jsonb_build_object('article', jsonb_build_object('id', ac.id, 'slug', ac.slug), 'count', ac.approved_comment_count)
               FROM article_counts ac`);
  }
  return eventRowsInsert(`SELECT e.type, e.article_id, e.data FROM (${rows.join('\nUNION ALL\n')}) e ORDER BY e.part, e.ord`);
}
