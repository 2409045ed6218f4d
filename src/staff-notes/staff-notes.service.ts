import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../common/auth/auth-user.js';
import { AppError } from '../common/errors/app-error.js';
import type { Page } from '../common/openapi/page.dto.js';
import { decodeCursor, keysetPage, olderThan } from '../common/pagination.js';
import type { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { userNotFound } from '../users/account-locks.js';
import type { StaffNoteDto } from './staff-note.dto.js';

const noteSelect = {
  id: true,
  userId: true,
  body: true,
  createdAt: true,
  author: { select: { id: true, username: true, deletedAt: true } },
} satisfies Prisma.StaffNoteSelect;

type NoteRow = Prisma.StaffNoteGetPayload<{ select: typeof noteSelect }>;

const toView = (n: NoteRow): StaffNoteDto => ({
  id: n.id,
  userId: n.userId,
  body: n.body,
  author: n.author && !n.author.deletedAt ? { id: n.author.id, username: n.author.username } : null,
  createdAt: n.createdAt.toISOString(),
});

const noteNotFound = () => AppError.notFound('STAFF_NOTE_NOT_FOUND', 'This account has no staff note with this id');

/**
 * Notes by staff about an account (the author drawer of the console): written by moderators and admins, read by
 * them only, never shown to the account. Removed by their author or an admin; erased with the account.
 */
@Injectable()
export class StaffNotesService {
  constructor(private readonly prisma: PrismaService) {}

  async list(userId: string, q: { limit: number; cursor?: string }): Promise<Page<StaffNoteDto>> {
    await this.requireUser(userId);
    const rows = await this.prisma.staffNote.findMany({
      where: { userId, ...olderThan(decodeCursor(q.cursor)) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: q.limit + 1,
      select: noteSelect,
    });
    return keysetPage(rows, q.limit, toView);
  }

  async create(actor: AuthUser, userId: string, body: string): Promise<StaffNoteDto> {
    await this.requireUser(userId);
    const row = await this.prisma.transaction(async (tx) => {
      const note = await tx.staffNote.create({ data: { userId, authorId: actor.id, body }, select: noteSelect });
      await tx.moderationAction.create({ data: { moderatorId: actor.id, targetUserId: userId, action: 'note_add' } });
      return note;
    });
    return toView(row);
  }

  /** Its author or an admin; anyone else gets 403 FORBIDDEN. */
  async remove(actor: AuthUser, userId: string, noteId: string): Promise<void> {
    await this.prisma.transaction(async (tx) => {
      const note = await tx.staffNote.findFirst({ where: { id: noteId, userId }, select: { authorId: true } });
      if (!note) throw noteNotFound();
      if (note.authorId !== actor.id && actor.role !== 'admin')
        throw AppError.forbidden('FORBIDDEN', 'Only its author or an admin can remove a staff note');
      await tx.staffNote.delete({ where: { id: noteId } });
      await tx.moderationAction.create({ data: { moderatorId: actor.id, targetUserId: userId, action: 'note_remove' } });
    });
  }

  private async requireUser(id: string): Promise<void> {
    const user = await this.prisma.user.findFirst({ where: { id, deletedAt: null }, select: { id: true } });
    if (!user) throw userNotFound();
  }
}
