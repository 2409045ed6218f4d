import { Module } from '@nestjs/common';
import { TriageController } from './triage.controller.js';
import { ClassifierClient } from './classifier.js';
import { TriageService } from './triage.service.js';

/** Triage rules (the admin API for them) and the publisher's classifier: what comments (posting, editing) ask. */
@Module({ controllers: [TriageController], providers: [TriageService, ClassifierClient], exports: [TriageService, ClassifierClient] })
export class TriageModule {}
