import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth/auth-user.js';
import { CurrentUser, Roles } from '../common/auth/decorators.js';
import { Endpoint } from '../common/openapi/endpoint.decorator.js';
import { TriageRulesDto, TriageRulesResponse } from './triage.dto.js';
import { TriageService } from './triage.service.js';

/** The newsroom's triage rules: moderators read them (the queue says which rule held a comment), admins change them. */
@ApiTags('admin')
@Roles('moderator', 'admin')
@Controller('admin/triage-rules')
export class TriageController {
  constructor(private readonly triage: TriageService) {}

  @Get()
  @Endpoint({
    operationId: 'getTriageRules',
    summary: 'The triage rules new comments go through',
    description:
      "Which new and edited comments wait for a moderator (or are refused) whatever the article's moderation mode: new accounts, links, authors whose comments were mostly rejected. The defaults until an admin saves them.",
    type: TriageRulesResponse,
  })
  async get(): Promise<TriageRulesResponse> {
    return { triageRules: await this.triage.view() };
  }

  @Roles('admin')
  @Put()
  @Endpoint({
    operationId: 'replaceTriageRules',
    summary: 'Replace the triage rules',
    description: 'The whole rule set; applies to comments posted or edited from now on. Audited with the rules before and after.',
    type: TriageRulesResponse,
  })
  async replace(@Body() dto: TriageRulesDto, @CurrentUser() user: AuthUser): Promise<TriageRulesResponse> {
    return { triageRules: await this.triage.replace(user.id, dto) };
  }
}
