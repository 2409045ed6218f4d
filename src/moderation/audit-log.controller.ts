import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/auth/decorators.js';
import { AuditLogService } from './audit-log.service.js';
import { AuditLogQueryDto } from './dto/audit-log.dto.js';

/** Read-only on purpose: the audit trail is append-only. */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('moderator', 'admin')
@Controller('admin/audit-log')
export class AuditLogController {
  constructor(private readonly audit: AuditLogService) {}

  @Get()
  list(@Query() q: AuditLogQueryDto) {
    return this.audit.list(q);
  }
}
