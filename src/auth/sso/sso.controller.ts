import { Body, Controller, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '../../common/auth/decorators.js';
import { Endpoint } from '../../common/openapi/endpoint.decorator.js';
import { RateLimit } from '../../common/rate-limit/rate-limit.decorator.js';
import type { SelfUserView } from '../../users/user.mapper.js';
import { AuthService } from '../auth.service.js';
import { AuthTokensDto } from '../dto/auth-response.dto.js';
import { PassportAuthenticator } from '../passport.js';
import { SignInWith } from '../sign-in-methods.js';
import { SsoSignInDto } from './sso.dto.js';

/**
 * Readers arrive from the publisher's site with a token the publisher signed; verifying it costs no password hash,
 * so the limit is looser than login's. A password sent to link accounts counts against that account's login
 * budget as well (AuthService.validateCredentials).
 */
const SSO_LIMIT = { name: 'sso', limit: 30, windowSeconds: 60, per: 'ip' } as const;

@ApiTags('auth')
@Controller('auth')
export class SsoController {
  constructor(
    private readonly auth: AuthService,
    private readonly passport: PassportAuthenticator,
  ) {}

  @Public()
  @RateLimit(SSO_LIMIT)
  @SignInWith('sso')
  @Post('sso')
  @Endpoint({
    operationId: 'signInWithPublisher',
    summary: "Sign in with the publisher's token",
    description:
      "Exchanges a token the news site (the publisher) signed for this service's tokens, like login. The account is found by the token's " +
      '(`iss`, `sub`), or created on first sight (a reader without a password). A first sight whose `email` an account here holds is 409 ' +
      '`SSO_EMAIL_CONFLICT` unless `password` proves that account, which then gets linked. Each verification failure has its own 401 code.',
    type: AuthTokensDto,
    errors: [
      'SSO_TOKEN_MALFORMED',
      'SSO_ALG_NOT_ALLOWED',
      'SSO_UNKNOWN_KEY',
      'SSO_BAD_SIGNATURE',
      'SSO_WRONG_ISSUER',
      'SSO_WRONG_AUDIENCE',
      'SSO_TOKEN_EXPIRED',
      'SSO_TOKEN_NOT_YET_VALID',
      'SSO_TOKEN_TOO_OLD',
      'SSO_MISSING_CLAIM',
      'INVALID_CREDENTIALS',
      'SSO_ACCOUNT_DELETED',
      'SSO_NOT_CONFIGURED',
      'SSO_EMAIL_CONFLICT',
      'SSO_KEYS_UNAVAILABLE',
    ],
    noStore: true,
  })
  async signIn(@Req() req: FastifyRequest, @Body() dto: SsoSignInDto): Promise<AuthTokensDto> {
    // Like login: the strategy reads the validated DTO through a view of the request (the request is left as it is).
    const user = await this.passport.authenticate<SelfUserView>('sso', Object.create(req, { body: { value: dto } }) as object);
    return this.auth.login(user);
  }
}
