import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth/auth-user.js';
import { CurrentUser, Roles } from '../common/auth/decorators.js';
import { BulkDecisionDto, DecisionDto } from './dto/decision.dto.js';
import { IdParamDto, QueueQueryDto } from './dto/queue.dto.js';
import { ModerationService } from './moderation.service.js';

/** The moderation queue and decisions on comments. */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('moderator', 'admin')
@Controller('admin')
export class ModerationController {
  constructor(private readonly moderation: ModerationService) {}

  /** Pending: oldest first. Every other status: newest first. */
  @Get('comments')
  list(@Query() q: QueueQueryDto) {
    return this.moderation.list(q);
  }

  @Get('queue/summary')
  summary() {
    return this.moderation.summary();
  }

  @Patch('comments/:id')
  async decide(@Param() { id }: IdParamDto, @Body() dto: DecisionDto, @CurrentUser() user: AuthUser) {
    return { comment: await this.moderation.decide(user.id, id, dto) };
  }

  @Post('comments/bulk')
  @HttpCode(200)
  bulk(@Body() dto: BulkDecisionDto, @CurrentUser() user: AuthUser) {
    return this.moderation.bulk(user.id, dto);
  }
}
