import { Module } from '@nestjs/common';
import { TriageController } from './triage.controller.js';
import { ClassifierClient } from './classifier.js';
import { AkismetService } from './spam-service.js';
import { TriageService } from './triage.service.js';

/** Triage rules (the admin API for them) and the publisher's classifier: what comments (posting, editing) ask. */
@Module({
  controllers: [TriageController],
  providers: [TriageService, ClassifierClient, AkismetService],
  exports: [TriageService, ClassifierClient, AkismetService],
})
export class TriageModule {}
