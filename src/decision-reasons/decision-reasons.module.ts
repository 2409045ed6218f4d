import { Module } from '@nestjs/common';
import { DsaModule } from '../dsa/dsa.module.js';
import { DecisionReasonsController } from './decision-reasons.controller.js';
import { DecisionReasonsService } from './decision-reasons.service.js';

/** The newsroom's decision reasons (admin-managed), applied to decisions that name one (`reasonId`). */
@Module({
  imports: [DsaModule],
  controllers: [DecisionReasonsController],
  providers: [DecisionReasonsService],
  exports: [DecisionReasonsService],
})
export class DecisionReasonsModule {}
