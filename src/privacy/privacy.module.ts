import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { AccountErasureService } from './account-erasure.service.js';
import { AccountExportService } from './account-export.service.js';
import { AdminPrivacyController } from './admin-privacy.controller.js';
import { MeController } from './me.controller.js';
import { RetentionService } from './retention.service.js';

/**
 * GDPR: the account export (Art. 15, 20), erasure (Art. 17) and the retention job (Art. 5(1)(e)). README "Legal
 * duties" maps each article to its route and settings.
 */
@Module({
  imports: [AuthModule],
  controllers: [MeController, AdminPrivacyController],
  providers: [AccountExportService, AccountErasureService, RetentionService],
  exports: [RetentionService],
})
export class PrivacyModule {}
