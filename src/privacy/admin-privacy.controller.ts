import { Body, Controller, Delete, Get, Param, StreamableFile } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth/auth-user.js';
import { CurrentUser, Roles } from '../common/auth/decorators.js';
import { Endpoint } from '../common/openapi/endpoint.decorator.js';
import { UserIdParam } from '../users/dto/admin-user.dto.js';
import { userNotFound } from '../users/account-locks.js';
import { AccountErasureService } from './account-erasure.service.js';
import { AccountExportService, exportFile } from './account-export.service.js';
import { AccountExportDto } from './dto/account-export.dto.js';
import { AdminEraseAccountDto, ErasureResponse } from './dto/erasure.dto.js';

/**
 * GDPR requests the newsroom receives by other means (an email to its data-protection contact, a letter): from a
 * reader who cannot sign in any more (a banned account, a lost password, publisher sign-in turned off), or who asks
 * the newsroom rather than the site. After verifying who asks, an admin exports or erases the account with the same
 * services the reader's own routes use. Admins only; each use is in the audit log.
 */
@ApiTags('admin')
@Roles('admin')
@Controller('admin/users')
export class AdminPrivacyController {
  constructor(
    private readonly exports: AccountExportService,
    private readonly erasure: AccountErasureService,
  ) {}

  @Get(':userId/export')
  @Endpoint({
    operationId: 'exportUserData',
    summary: "Export an account's data (for a request received by the newsroom)",
    description: 'The same document as GET /api/me/export, for that account. Audited (`export_account`).',
    type: AccountExportDto,
    errors: ['USER_NOT_FOUND', 'SERVICE_UNAVAILABLE'],
  })
  async export(@Param() { userId }: UserIdParam, @CurrentUser() actor: AuthUser): Promise<StreamableFile> {
    return exportFile(await this.exports.openAudited(actor, userId, userNotFound));
  }

  @Delete(':userId')
  @Endpoint({
    operationId: 'eraseUser',
    summary: 'Erase an account (for a request received by the newsroom)',
    description:
      'What DELETE /api/me does, on a request the newsroom verified itself; `reason` goes to the audit log. The last active admin cannot be ' +
      'erased (409 `LAST_ADMIN`).',
    type: ErasureResponse,
    errors: ['USER_NOT_FOUND', 'LAST_ADMIN', 'ACTOR_NO_LONGER_ALLOWED'],
  })
  async erase(
    @Param() { userId }: UserIdParam,
    @Body() dto: AdminEraseAccountDto,
    @CurrentUser() actor: AuthUser,
  ): Promise<ErasureResponse> {
    return { erasure: await this.erasure.eraseByAdmin(actor, userId, dto.reason) };
  }
}
