import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/auth/decorators.js';
import { Endpoint } from '../common/openapi/endpoint.decorator.js';
import type { Page } from '../common/openapi/page.dto.js';
import { AuditLogService } from './audit-log.service.js';
import { AuditLogQueryDto } from './dto/audit-log.dto.js';
import { AuditLogPage, type AuditEntryDto } from './dto/moderation-response.dto.js';

/** Read-only on purpose: the audit trail is append-only. */
@ApiTags('admin')
@Roles('moderator', 'admin')
@Controller('admin/audit-log')
export class AuditLogController {
  constructor(private readonly audit: AuditLogService) {}

  @Get()
  @Endpoint({
    operationId: 'listAuditLog',
    summary: 'The audit log, newest first',
    description: 'Every decision: comments, bans, roles, word lists, article settings. Filters combine (AND).',
    type: AuditLogPage,
  })
  list(@Query() q: AuditLogQueryDto): Promise<Page<AuditEntryDto>> {
    return this.audit.list(q);
  }
}
