import { Body, Controller, Delete, Get, StreamableFile } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth/auth-user.js';
import { AllowBanned, CurrentUser } from '../common/auth/decorators.js';
import { AppError } from '../common/errors/app-error.js';
import { Endpoint } from '../common/openapi/endpoint.decorator.js';
import { RateLimit } from '../common/rate-limit/rate-limit.decorator.js';
import { AccountErasureService } from './account-erasure.service.js';
import { AccountExportService, exportFile } from './account-export.service.js';
import { AccountExportDto } from './dto/account-export.dto.js';
import { EraseAccountDto, ErasureResponse } from './dto/erasure.dto.js';

/*
 * Rate limits: an export reads everything the account has (5 an hour is plenty for a person, and bounds the load
 * one account can cause); an erasure checks a password (argon2id) or a publisher token: 5 tries per 15 minutes keep
 * someone holding a stolen access token from guessing the password here.
 */
const EXPORT_LIMIT = { name: 'account-export', limit: 5, windowSeconds: 3600, per: 'user' } as const;
const ERASE_LIMIT = { name: 'account-erase', limit: 5, windowSeconds: 15 * 60, per: 'user' } as const;

/** What the account holder's own token hears once the account is gone (the same as any other route). */
const accountGone = () => AppError.unauthorized('INVALID_TOKEN', 'The access token is invalid');

/**
 * The account holder's GDPR rights: access and portability (Art. 15, 20), erasure (Art. 17). README "Legal duties".
 * Open to a banned account (@AllowBanned): these rights do not depend on good standing.
 */
@ApiTags('account')
@Controller('me')
export class MeController {
  constructor(
    private readonly exports: AccountExportService,
    private readonly erasure: AccountErasureService,
  ) {}

  @AllowBanned()
  @RateLimit(EXPORT_LIMIT)
  @Get('export')
  @Endpoint({
    operationId: 'exportMyData',
    summary: 'Download everything stored about your account',
    description:
      'GDPR Art. 15 (access) and Art. 20 (portability): one JSON document (`format`, `version`) with the account, its publisher identities, ' +
      'sessions (no tokens), every comment with its earlier versions and status history, the reports you filed, decisions about the account ' +
      'and, for staff, their own actions. Nothing about other people: other comments appear as ids, staff members as `"staff"`. Sent as a ' +
      'download (`Content-Disposition: attachment`), never cached. 503 `SERVICE_UNAVAILABLE` when too many exports are being prepared at once.',
    type: AccountExportDto,
    errors: ['SERVICE_UNAVAILABLE'],
  })
  async export(@CurrentUser() user: AuthUser): Promise<StreamableFile> {
    return exportFile(await this.exports.open(user.id, accountGone));
  }

  @AllowBanned()
  @RateLimit(ERASE_LIMIT)
  @Delete()
  @Endpoint({
    operationId: 'eraseMyAccount',
    summary: 'Erase your account',
    description:
      'GDPR Art. 17. Confirm with `password`, or, for an account that signs in with the publisher, `ssoToken` (a fresh token for this ' +
      "reader, as for POST /api/auth/sso); a wrong one is 403 `REAUTHENTICATION_FAILED`. The account's personal data, sessions and publisher " +
      'identities are erased at once: every token stops working and signing in to it is impossible. Comments are kept without an author ' +
      '(ERASURE_MODE=anonymize; pending ones and those you deleted lose their text) or all lose their text (ERASURE_MODE=delete); threads ' +
      'keep their shape and counts stay exact. The last active admin cannot erase their account (409 `LAST_ADMIN`).',
    type: ErasureResponse,
    errors: ['REAUTHENTICATION_FAILED', 'LAST_ADMIN', 'SSO_KEYS_UNAVAILABLE'],
  })
  async erase(@CurrentUser() user: AuthUser, @Body() dto: EraseAccountDto): Promise<ErasureResponse> {
    return { erasure: await this.erasure.eraseOwn(user, dto) };
  }
}
