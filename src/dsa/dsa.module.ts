import { Module } from '@nestjs/common';
import { AppealsService } from './appeals.service.js';
import { DecisionsController } from './decisions.controller.js';
import { DecisionsService } from './decisions.service.js';
import { DsaAdminController } from './dsa-admin.controller.js';
import { MisuseService } from './misuse.service.js';
import { NoticesController } from './notices.controller.js';
import { NoticesService } from './notices.service.js';
import { StatementPolicy } from './statement-policy.js';
import { TransparencyController } from './transparency.controller.js';
import { TransparencyService } from './transparency.service.js';

/**
 * The Digital Services Act duties (Regulation (EU) 2022/2065; README "Legal duties"): notices (Art. 16), statements
 * of reasons (Art. 17), appeals (Art. 20), misuse (Art. 23), transparency (Art. 15, 24). Comments and moderation use
 * its policy and services; it depends on neither (a comment's restoration goes through the comment core, src/comment-core).
 */
@Module({
  controllers: [NoticesController, DecisionsController, DsaAdminController, TransparencyController],
  providers: [StatementPolicy, MisuseService, NoticesService, DecisionsService, AppealsService, TransparencyService],
  exports: [StatementPolicy, MisuseService, NoticesService, DecisionsService],
})
export class DsaModule {}
