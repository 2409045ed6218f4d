import { Module } from '@nestjs/common';
import { StaffNotesController } from './staff-notes.controller.js';
import { StaffNotesService } from './staff-notes.service.js';

/** Notes by staff about accounts (the console's author drawer). */
@Module({ controllers: [StaffNotesController], providers: [StaffNotesService], exports: [StaffNotesService] })
export class StaffNotesModule {}
