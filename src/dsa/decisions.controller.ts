import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth/auth-user.js';
import { AllowBanned, CurrentUser } from '../common/auth/decorators.js';
import { Endpoint } from '../common/openapi/endpoint.decorator.js';
import type { Page } from '../common/openapi/page.dto.js';
import { PageQueryDto } from '../common/pagination.js';
import { RateLimit } from '../common/rate-limit/rate-limit.decorator.js';
import { UuidParams } from '../common/validation/id-param.dto.js';
import { AppealsService } from './appeals.service.js';
import { DecisionsService } from './decisions.service.js';
import { AppealResponse, CreateAppealDto, type StatementOfReasonsDto, DecisionPage, DecisionResponse } from './dto/decision.dto.js';

export class DecisionIdParam extends UuidParams('decisionId') {}

export class AppealParamsDto extends UuidParams('decisionId', 'appealId') {}

/**
 * Statements of reasons (DSA Art. 17) as their recipients read them, and appeals against them (Art. 20). Every route
 * is open to a banned account (@AllowBanned): a suspension is itself a decision its recipient must be able to read
 * and appeal (Art. 17(1)(c), 20(1)(c)).
 */
@ApiTags('dsa')
@Controller()
export class DecisionsController {
  constructor(
    private readonly decisions: DecisionsService,
    private readonly appeals: AppealsService,
  ) {}

  @AllowBanned()
  @Get('me/decisions')
  @Endpoint({
    operationId: 'listMyDecisions',
    summary: 'Decisions that restricted your comments or your account (DSA Art. 17)',
    description: 'Newest first: each with its statement of reasons (Transparency Database fields), its appeals and the redress still open.',
    type: DecisionPage,
  })
  mine(@Query() q: PageQueryDto, @CurrentUser() user: AuthUser): Promise<Page<StatementOfReasonsDto>> {
    return this.decisions.mine(user, q);
  }

  @AllowBanned()
  @Get('decisions/:decisionId')
  @Endpoint({
    operationId: 'getDecision',
    summary: 'One decision and its appeals',
    description: 'For the recipient of the decision, and for staff.',
    type: DecisionResponse,
    errors: ['DECISION_NOT_FOUND'],
  })
  async get(@Param() { decisionId }: DecisionIdParam, @CurrentUser() user: AuthUser): Promise<DecisionResponse> {
    return { decision: await this.decisions.get(decisionId, user) };
  }

  @AllowBanned()
  @RateLimit({ name: 'appeal', limit: 10, windowSeconds: 3600, per: 'user' })
  @Post('decisions/:decisionId/appeals')
  @Endpoint({
    operationId: 'appealDecision',
    summary: 'Appeal a decision (DSA Art. 20)',
    description:
      'Free, by the recipient of the decision, within DSA_APPEAL_WINDOW_MONTHS (6 by default) after it; one open appeal per decision. A member of staff other than the one who decided answers it; the outcome appears in the decision and in GET /api/me/decisions.',
    status: 201,
    type: AppealResponse,
    errors: ['DECISION_NOT_FOUND', 'APPEAL_WINDOW_CLOSED', 'APPEAL_ALREADY_OPEN', 'DECISION_REVERSED'],
    location: (body: AppealResponse) => `/api/decisions/${body.appeal.decisionId}/appeals/${body.appeal.id}`,
  })
  async appeal(
    @Param() { decisionId }: DecisionIdParam,
    @Body() dto: CreateAppealDto,
    @CurrentUser() user: AuthUser,
  ): Promise<AppealResponse> {
    return { appeal: await this.appeals.create(user, decisionId, dto) };
  }

  @AllowBanned()
  @Get('decisions/:decisionId/appeals/:appealId')
  @Endpoint({ operationId: 'getMyAppeal', summary: 'Your appeal and its outcome', type: AppealResponse, errors: ['APPEAL_NOT_FOUND'] })
  async getAppeal(@Param() { decisionId, appealId }: AppealParamsDto, @CurrentUser() user: AuthUser): Promise<AppealResponse> {
    return { appeal: await this.appeals.get(user, decisionId, appealId) };
  }
}
