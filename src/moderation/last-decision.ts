import { ApiProperty } from '@nestjs/swagger';
import type { ErrorDetail } from '../common/errors/app-error.js';
import { type Db, query } from '../database/db.js';
import { CommentStatus } from '../generated/prisma/enums.js';
import { UserRefDto } from '../users/dto/user.dto.js';

/**
 * Who changed a comment last, and what it is now: what a moderator who lost a race is told (the `details` of 409
 * VERSION_CONFLICT, and the `current` of a bulk item skipped for its version), so the console can say "approved by
 * maria 20 s ago" instead of "reload".
 */
export class CurrentDecisionDto {
  @ApiProperty({ enum: Object.values(CommentStatus), example: 'approved' })
  status: CommentStatus;

  @ApiProperty({ type: 'integer', example: 2 })
  version: number;

  @ApiProperty({ example: false })
  deleted: boolean;

  @ApiProperty({
    type: String,
    nullable: true,
    description: "the audit log's latest action on it (approve, reject, spam, delete, edit, report_threshold…); null when none",
    example: 'approve',
  })
  action: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2026-11-28T09:30:02.000Z' })
  decidedAt: string | null;

  @ApiProperty({ type: UserRefDto, nullable: true, description: 'who took that action; null for automatic ones and authors’ edits' })
  decidedBy: UserRefDto | null;
}

interface Row {
  id: string;
  status: CommentStatus;
  version: number;
  deleted: boolean;
  action: string | null;
  decidedAt: Date | null;
  byId: string | null;
  byUsername: string | null;
}

/** The current state and latest audited action of each comment (staff actions only name their author). */
export async function currentDecisions(db: Db, ids: readonly string[]): Promise<Map<string, CurrentDecisionDto>> {
  if (!ids.length) return new Map();
  const rows = await query<Row>(
    db,
    `SELECT c.id, c.status::text AS status, c.version, c.deleted_at IS NOT NULL AS deleted, m.action, m.created_at AS "decidedAt",
            CASE WHEN m.moderator_id <> c.author_id THEN u.id END AS "byId", CASE WHEN m.moderator_id <> c.author_id THEN u.username END AS "byUsername"
     FROM comments c
     LEFT JOIN LATERAL (SELECT action, moderator_id, created_at FROM moderation_actions WHERE comment_id = c.id
                        ORDER BY created_at DESC, id DESC LIMIT 1) m ON true
     LEFT JOIN users u ON u.id = m.moderator_id
     WHERE c.id = ANY($1::uuid[])`,
    [ids],
  );
  return new Map(
    rows.map((r) => [
      r.id,
      {
        status: r.status,
        version: r.version,
        deleted: r.deleted,
        action: r.action,
        decidedAt: r.decidedAt?.toISOString() ?? null,
        decidedBy: r.byId && r.byUsername ? { id: r.byId, username: r.byUsername } : null,
      },
    ]),
  );
}

/** The 409's `details` entry: `{ message, current }`. */
export function conflictDetail(current: CurrentDecisionDto): ErrorDetail {
  const who = current.decidedBy ? ` by ${current.decidedBy.username}` : '';
  return { message: `now ${current.status}${current.action ? ` (${current.action}${who})` : ''}, version ${current.version}`, current };
}
