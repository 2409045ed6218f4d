import { Module } from '@nestjs/common';
import { TriageController } from './triage.controller.js';
import { TriageService } from './triage.service.js';

/** Triage rules: the admin API for them, and the service comments (posting, editing) ask. */
@Module({ controllers: [TriageController], providers: [TriageService], exports: [TriageService] })
export class TriageModule {}
