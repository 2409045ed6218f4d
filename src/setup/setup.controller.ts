import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { type AuthResult } from '../auth/auth.service.js';
import { AuthTokensDto } from '../auth/dto/auth-response.dto.js';
import { Public } from '../common/auth/decorators.js';
import { Endpoint } from '../common/openapi/endpoint.decorator.js';
import { RateLimit } from '../common/rate-limit/rate-limit.decorator.js';
import { AppConfig } from '../config/app-config.js';
import { FirstAdminSetup } from './first-admin-setup.service.js';
import { SetupAdminDto, SignInOptionsDto } from './setup.dto.js';

/** A wrong code is a guess: few per address (the code has 144 random bits; this bounds load and noise). */
/** Read once per sign-in page: a loop is limited like other reads. */
const OPTIONS_LIMIT = { name: 'auth-options', limit: 120, windowSeconds: 60, per: 'ip' } as const;

const SETUP_LIMIT = { name: 'setup', limit: 10, windowSeconds: 15 * 60, per: 'ip' } as const;

@ApiTags('auth')
@Controller()
export class SetupController {
  constructor(
    private readonly setup: FirstAdminSetup,
    private readonly config: AppConfig,
  ) {}

  @Public({ identify: false })
  @RateLimit(OPTIONS_LIMIT)
  @Get('auth/options')
  @Endpoint({
    operationId: 'getSignInOptions',
    summary: 'How one signs in here',
    description:
      "What a sign-in page offers: password sign-in (LOCAL_AUTH), registration, the publisher's sign-in, and SSO_LOGIN_URL, the page the moderation console opens to sign staff in with the publisher.",
    type: SignInOptionsDto,
    noDatabase: true,
  })
  options(): SignInOptionsDto {
    const local = this.config.get('LOCAL_AUTH');
    return {
      register: local === 'true',
      password: local === 'true' ? 'everyone' : local === 'staff' ? 'staff' : 'nobody',
      sso: Boolean(this.config.get('SSO_JWKS_URL') || this.config.get('SSO_SECRET')),
      ssoLoginUrl: this.config.get('SSO_LOGIN_URL') ?? null,
    };
  }

  @Public({ identify: false })
  @RateLimit(SETUP_LIMIT)
  @Post('setup/admin')
  @Endpoint({
    operationId: 'createFirstAdmin',
    summary: 'Create the first admin with the one-time setup code',
    description:
      'Only while no admin exists: each start of the service then prints a link to /admin/setup whose fragment carries a code (valid once, for ADMIN_SETUP_CODE_TTL_MINUTES). The new admin is signed in (the answer is that of login). docs/console.md.',
    status: 201,
    type: AuthTokensDto,
    errors: ['SETUP_CODE_INVALID', 'SETUP_ALREADY_DONE', 'EMAIL_TAKEN', 'USERNAME_TAKEN'],
    location: () => '/api/auth/me',
    noStore: true,
  })
  create(@Body() dto: SetupAdminDto): Promise<AuthResult> {
    return this.setup.createAdmin(dto);
  }
}
