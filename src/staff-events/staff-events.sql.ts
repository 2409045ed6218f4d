import { statement } from '../database/sql.js';
import { REPORTED_OPEN } from '../moderation/moderation-queue.repository.js';
import type { ConsoleCountsDto } from './staff-events.dto.js';

/** The queue counts, each from its own index (small when the queues are worked): one round trip. */
export const CONSOLE_COUNTS = statement<[], ConsoleCountsDto>(
  'staff:counts',
  `SELECT (SELECT count(*) FROM comments WHERE status = 'pending' AND deleted_at IS NULL)::int AS pending,
          (SELECT count(*) FROM comments c WHERE ${REPORTED_OPEN})::int AS "reportedOpen",
          (SELECT count(*) FROM comments c JOIN comment_holds h ON h.comment_id = c.id
            WHERE c.status = 'pending' AND c.deleted_at IS NULL AND h.source IN ('word_filter', 'rule', 'classifier', 'spam_service'))::int AS flagged,
          (SELECT count(*) FROM comments WHERE open_notice_count > 0 AND deleted_at IS NULL)::int AS noticed,
          (SELECT count(*) FROM appeals WHERE status = 'open')::int AS appeals`,
);

/** Announced domain events by id, of every type (the staff stream is not per article). */
export const STAFF_EVENTS_BY_ID = statement<[ids: string[]], { id: string; type: string; data: Record<string, unknown> }>(
  'staff:events-by-id',
  `SELECT id::text AS id, type, data FROM domain_events WHERE id = ANY($1::bigint[]) ORDER BY domain_events.id`,
);

/** Whether each member of staff with an open stream still may moderate. */
export const STAFF_STANDING = statement<[ids: string[]], { id: string; role: string; banned: boolean; deleted: boolean }>(
  'staff:standing',
  `SELECT id, role::text AS role, (banned_at IS NOT NULL AND (banned_until IS NULL OR banned_until > now())) AS banned,
          deleted_at IS NOT NULL AS deleted
   FROM users WHERE id = ANY($1::uuid[])`,
);
