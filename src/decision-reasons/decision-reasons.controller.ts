import { Body, Controller, Delete, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth/auth-user.js';
import { CurrentUser, Roles } from '../common/auth/decorators.js';
import { Endpoint } from '../common/openapi/endpoint.decorator.js';
import { UuidParams } from '../common/validation/id-param.dto.js';
import { CreateDecisionReasonDto, DecisionReasonListDto, DecisionReasonResponse, UpdateDecisionReasonDto } from './decision-reason.dto.js';
import { DecisionReasonsService } from './decision-reasons.service.js';

export class DecisionReasonIdParam extends UuidParams('decisionReasonId') {}

/** The newsroom's decision reasons: moderators pick them, admins keep the list. */
@ApiTags('admin')
@Roles('moderator', 'admin')
@Controller('admin/decision-reasons')
export class DecisionReasonsController {
  constructor(private readonly reasons: DecisionReasonsService) {}

  @Get()
  @Endpoint({
    operationId: 'listDecisionReasons',
    summary: "The newsroom's decision reasons",
    description:
      'What moderators choose from when they reject, mark as spam or ban (send its `id` as `reasonId`), each with the statement-of-reasons fields (DSA Art. 17) it stands for.',
    type: DecisionReasonListDto,
  })
  async list(): Promise<DecisionReasonListDto> {
    return { items: await this.reasons.list() };
  }

  @Get(':decisionReasonId')
  @Endpoint({
    operationId: 'getDecisionReason',
    summary: 'One decision reason',
    type: DecisionReasonResponse,
    errors: ['DECISION_REASON_NOT_FOUND'],
  })
  async get(@Param() { decisionReasonId }: DecisionReasonIdParam): Promise<DecisionReasonResponse> {
    return { reason: await this.reasons.get(decisionReasonId) };
  }

  @Roles('admin')
  @Post()
  @Endpoint({
    operationId: 'createDecisionReason',
    summary: 'Add a decision reason',
    description:
      "Audited (`reason_add`). The statement fields are checked like a decision's: 400 when they do not make a valid statement of reasons.",
    status: 201,
    type: DecisionReasonResponse,
    errors: ['CONFLICT'],
    location: (body: DecisionReasonResponse) => `/api/admin/decision-reasons/${body.reason.id}`,
  })
  async create(@Body() dto: CreateDecisionReasonDto, @CurrentUser() user: AuthUser): Promise<DecisionReasonResponse> {
    return { reason: await this.reasons.create(user.id, dto) };
  }

  @Roles('admin')
  @Patch(':decisionReasonId')
  @Endpoint({
    operationId: 'updateDecisionReason',
    summary: 'Change a decision reason',
    description: 'Audited (`reason_update`). Decisions already taken keep the statement they were given.',
    type: DecisionReasonResponse,
    errors: ['DECISION_REASON_NOT_FOUND', 'CONFLICT'],
  })
  async update(
    @Param() { decisionReasonId }: DecisionReasonIdParam,
    @Body() dto: UpdateDecisionReasonDto,
    @CurrentUser() user: AuthUser,
  ): Promise<DecisionReasonResponse> {
    return { reason: await this.reasons.update(user.id, decisionReasonId, dto) };
  }

  @Roles('admin')
  @Delete(':decisionReasonId')
  @Endpoint({
    operationId: 'deleteDecisionReason',
    summary: 'Remove a decision reason',
    description: 'Audited (`reason_remove`). Decisions already taken keep their reason and statement.',
    status: 204,
    errors: ['DECISION_REASON_NOT_FOUND'],
  })
  async remove(@Param() { decisionReasonId }: DecisionReasonIdParam, @CurrentUser() user: AuthUser): Promise<void> {
    await this.reasons.remove(user.id, decisionReasonId);
  }
}
