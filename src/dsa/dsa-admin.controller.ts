import { Body, Controller, Get, Param, Patch, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth/auth-user.js';
import { CurrentUser, Roles } from '../common/auth/decorators.js';
import { Endpoint } from '../common/openapi/endpoint.decorator.js';
import type { Page } from '../common/openapi/page.dto.js';
import { AppealsService } from './appeals.service.js';
import {
  AppealIdParam,
  type AppealQueueItemDto,
  AppealQueuePage,
  AppealQueueQueryDto,
  AppealResponse,
  DecideAppealDto,
} from './dto/decision.dto.js';
import { DismissNoticeDto, NoticeIdParam, NoticeResponse } from './dto/notice.dto.js';
import { NoticesService } from './notices.service.js';

/** Moderators' side of notices and appeals. */
@ApiTags('admin')
@Roles('moderator', 'admin')
@Controller('admin')
export class DsaAdminController {
  constructor(
    private readonly notices: NoticesService,
    private readonly appeals: AppealsService,
  ) {}

  @Patch('notices/:noticeId')
  @Endpoint({
    operationId: 'dismissNotice',
    summary: 'Decide a notice without action',
    description:
      'The comment stays; the notifier reads `explanation`. To act on a notice, decide its comment instead (PATCH /api/admin/comments/{id} with a statement): that closes all its open notices. `manifestlyUnfounded` counts towards a hold on the notifier (DSA Art. 23(2)). Not by the author of the comment (403 OWN_CASE).',
    type: NoticeResponse,
    errors: ['NOTICE_NOT_FOUND', 'NOTICE_ALREADY_DECIDED', 'OWN_CASE'],
  })
  async dismiss(
    @Param() { noticeId }: NoticeIdParam,
    @Body() dto: DismissNoticeDto,
    @CurrentUser() user: AuthUser,
  ): Promise<NoticeResponse> {
    return { notice: await this.notices.dismiss(user, noticeId, dto) };
  }

  @Get('appeals')
  @Endpoint({
    operationId: 'listAppeals',
    summary: 'The appeals queue (DSA Art. 20)',
    description: 'Open appeals oldest first, with the decision, who took it (they may not decide the appeal) and the comment.',
    type: AppealQueuePage,
  })
  list(@Query() q: AppealQueueQueryDto): Promise<Page<AppealQueueItemDto>> {
    return this.appeals.list(q);
  }

  @Patch('appeals/:appealId')
  @Endpoint({
    operationId: 'decideAppeal',
    summary: 'Decide an appeal',
    description:
      'By a member of staff other than the one who took the decision (403 APPEAL_SAME_DECIDER), and not by the appellant nor by the person the decision concerns (403 OWN_CASE). `reversed` lifts the restriction at once: the comment is restored and approved through the transition table (counts and audit), a ban or hold ends.',
    type: AppealResponse,
    errors: ['APPEAL_NOT_FOUND', 'APPEAL_SAME_DECIDER', 'OWN_CASE', 'APPEAL_ALREADY_DECIDED', 'VERSION_CONFLICT'],
  })
  async decide(@Param() { appealId }: AppealIdParam, @Body() dto: DecideAppealDto, @CurrentUser() user: AuthUser): Promise<AppealResponse> {
    return { appeal: await this.appeals.decide(user, appealId, dto) };
  }
}
