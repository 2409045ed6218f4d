import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth/auth-user.js';
import { CurrentUser, Roles } from '../common/auth/decorators.js';
import { Endpoint } from '../common/openapi/endpoint.decorator.js';
import type { Page } from '../common/openapi/page.dto.js';
import { PageQueryDto } from '../common/pagination.js';
import { UserIdParam } from '../users/dto/admin-user.dto.js';
import { CreateStaffNoteDto, NoteParamDto, type StaffNoteDto, StaffNotePage, StaffNoteResponse } from './staff-note.dto.js';
import { StaffNotesService } from './staff-notes.service.js';

/** Staff notes on an account: what one moderator tells the next about a commenter. */
@ApiTags('admin')
@Roles('moderator', 'admin')
@Controller('admin/users/:userId/notes')
export class StaffNotesController {
  constructor(private readonly notes: StaffNotesService) {}

  @Get()
  @Endpoint({
    operationId: 'listStaffNotes',
    summary: 'Staff notes on an account, newest first',
    description: 'Never shown to the account itself.',
    type: StaffNotePage,
    errors: ['USER_NOT_FOUND'],
  })
  list(@Param() { userId }: UserIdParam, @Query() q: PageQueryDto): Promise<Page<StaffNoteDto>> {
    return this.notes.list(userId, q);
  }

  @Post()
  @Endpoint({
    operationId: 'createStaffNote',
    summary: 'Add a staff note to an account',
    description: 'Audited (`note_add`, without the text).',
    status: 201,
    type: StaffNoteResponse,
    errors: ['USER_NOT_FOUND'],
    location: (body: StaffNoteResponse) => `/api/admin/users/${body.note.userId}/notes`,
  })
  async create(
    @Param() { userId }: UserIdParam,
    @Body() dto: CreateStaffNoteDto,
    @CurrentUser() user: AuthUser,
  ): Promise<StaffNoteResponse> {
    return { note: await this.notes.create(user, userId, dto.body) };
  }

  @Delete(':noteId')
  @Endpoint({
    operationId: 'deleteStaffNote',
    summary: 'Remove a staff note',
    description: 'By its author or an admin (403 FORBIDDEN otherwise). Audited (`note_remove`).',
    status: 204,
    errors: ['STAFF_NOTE_NOT_FOUND'],
  })
  async remove(@Param() { userId, noteId }: NoteParamDto, @CurrentUser() user: AuthUser): Promise<void> {
    await this.notes.remove(user, userId, noteId);
  }
}
