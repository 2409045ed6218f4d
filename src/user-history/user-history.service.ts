import { Injectable } from '@nestjs/common';
import { AuditLogService } from '../moderation/audit-log.service.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { StaffNotesService } from '../staff-notes/staff-notes.service.js';
import { UsersService } from '../users/users.service.js';
import type { AuthorCommentCountsDto, UserHistoryDto } from './user-history.dto.js';

const RECENT = 20;

/** The author drawer: account, comments by status, decisions and bans, notes (four queries, in parallel after the first). */
@Injectable()
export class UserHistoryService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly users: UsersService,
    private readonly audit: AuditLogService,
    private readonly notes: StaffNotesService,
  ) {}

  async history(id: string): Promise<UserHistoryDto> {
    const user = await this.users.getAdminView(id); // 404 USER_NOT_FOUND first
    const [[comments], decisions, notes] = await Promise.all([
      this.prisma.$queryRaw<AuthorCommentCountsDto[]>`
        SELECT count(*) FILTER (WHERE deleted_at IS NULL AND status = 'pending')::int  AS pending,
               count(*) FILTER (WHERE deleted_at IS NULL AND status = 'approved')::int AS approved,
               count(*) FILTER (WHERE deleted_at IS NULL AND status = 'rejected')::int AS rejected,
               count(*) FILTER (WHERE deleted_at IS NULL AND status = 'spam')::int     AS spam,
               count(*) FILTER (WHERE deleted_at IS NOT NULL)::int                     AS deleted,
               count(*) FILTER (WHERE deleted_at IS NULL AND report_count > 0)::int    AS reported
        FROM comments WHERE author_id = ${id}::uuid`,
      this.audit.list({ targetUser: id, limit: RECENT }),
      this.notes.list(id, { limit: RECENT }),
    ]);
    return { user, comments, decisions: decisions.items, notes: notes.items };
  }
}
