import { Body, Controller, Get, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { AuthUser } from '../common/auth/auth-user.js';
import { AllowBanned, CurrentUser, Public } from '../common/auth/decorators.js';
import { Endpoint } from '../common/openapi/endpoint.decorator.js';
import { RateLimit } from '../common/rate-limit/rate-limit.decorator.js';
import { UserResponse } from '../users/dto/user.dto.js';
import type { SelfUserView } from '../users/user.mapper.js';
import { AuthService } from './auth.service.js';
import { LoginDto, RefreshDto, RegisterDto } from './dto/auth.dto.js';
import { AuthTokensDto } from './dto/auth-response.dto.js';
import { PassportAuthenticator } from './passport.js';
import { SignInWith } from './sign-in-methods.js';

/*
 * Rate limits (every attempt counts, successful or not; 429 RATE_LIMITED + Retry-After):
 * - login: 10/min per IP slows credential stuffing from one host; per account (AuthService, one account whether it
 *   is named by email or username) 5/min per client address throttles the attacker, not the account, and a softer
 *   50 per 15 min from all addresses caps guessing from many hosts (~4.8k tries a day against a 10+ character
 *   password hashed with argon2id); the owner at another address is locked out only by that global cap.
 * - register: 10 per 15 min per IP and 5 per 15 min per email stop scripted sign-ups but leave room for a person
 *   correcting a rejected username or password (validation failures count too: the guard runs before validation).
 * - refresh / logout: refresh tokens are 256-bit random, so this only bounds load: 30/min per IP.
 */
const LOGIN_LIMIT = { name: 'login', limit: 10, windowSeconds: 60, per: 'ip' } as const;
const REGISTER_LIMITS = [
  { name: 'register', limit: 10, windowSeconds: 15 * 60, per: 'ip' },
  { name: 'register', limit: 5, windowSeconds: 15 * 60, per: 'email' },
] as const;
const TOKEN_LIMIT = { name: 'token', limit: 30, windowSeconds: 60, per: 'ip' } as const;

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly passport: PassportAuthenticator,
  ) {}

  @Public()
  @RateLimit(...REGISTER_LIMITS)
  @SignInWith('register')
  @Post('register')
  @Endpoint({
    operationId: 'register',
    summary: 'Create a reader account and sign in',
    status: 201,
    type: AuthTokensDto,
    description: 'Open only with LOCAL_AUTH=true (otherwise 403 `LOCAL_AUTH_DISABLED`: readers sign in with the publisher).',
    errors: ['EMAIL_TAKEN', 'EMAIL_DOMAIN_REFUSED', 'USERNAME_TAKEN', 'USERNAME_RESERVED', 'LOCAL_AUTH_DISABLED'],
    location: () => '/api/auth/me',
    noStore: true,
  })
  register(@Body() dto: RegisterDto): Promise<AuthTokensDto> {
    return this.auth.register(dto);
  }

  @Public()
  @RateLimit(LOGIN_LIMIT)
  @SignInWith('password')
  @Post('login')
  @Endpoint({
    operationId: 'login',
    summary: 'Sign in with email or username',
    description:
      'One `401 INVALID_CREDENTIALS` for every failure (unknown account, wrong password, deleted account, an account created by a publisher ' +
      'sign-in, which has no password). 403 `LOCAL_AUTH_DISABLED` with LOCAL_AUTH=false, and with LOCAL_AUTH=staff for a reader (after the right password). ' +
      'A banned (suspended) account signs in too: `user.ban` says so, and every route except those open to it answers 403 `USER_BANNED` (see `x-allow-banned`).',
    type: AuthTokensDto,
    errors: ['INVALID_CREDENTIALS', 'LOCAL_AUTH_DISABLED'],
    noStore: true,
  })
  async login(@Req() req: FastifyRequest, @Body() dto: LoginDto): Promise<AuthTokensDto> {
    // The global ValidationPipe has checked (and trimmed) the body: 400 VALIDATION_FAILED with details otherwise.
    // passport-local reads `login` / `password` from `req.body`, so it gets a view of the request whose body is
    // that validated DTO (the original request is left as it is).
    const user = await this.passport.authenticate<SelfUserView>('local', Object.create(req, { body: { value: dto } }) as object);
    return this.auth.login(user);
  }

  @Public()
  @RateLimit(TOKEN_LIMIT)
  @Post('refresh')
  @Endpoint({
    operationId: 'refreshTokens',
    summary: 'Trade a refresh token for a new token pair',
    description:
      'The presented token is spent; presenting it again revokes the whole session. A banned account refreshes like any other (`user.ban` set).',
    type: AuthTokensDto,
    errors: ['INVALID_REFRESH_TOKEN', 'REFRESH_TOKEN_REUSED'],
    noStore: true,
  })
  refresh(@Body() dto: RefreshDto): Promise<AuthTokensDto> {
    return this.auth.refresh(dto.refreshToken);
  }

  /** Revokes the refresh token's session (its whole rotation family). Access tokens simply expire (15 min). */
  @Public()
  @RateLimit(TOKEN_LIMIT)
  @Post('logout')
  @Endpoint({
    operationId: 'logout',
    summary: "Revoke the refresh token's session",
    description: 'Idempotent: an unknown token is fine.',
    status: 204,
  })
  async logout(@Body() dto: RefreshDto): Promise<void> {
    await this.auth.logout(dto.refreshToken);
  }

  @AllowBanned()
  @Get('me')
  @Endpoint({
    operationId: 'getMe',
    summary: 'Your account',
    description: '`user.ban` is set while the account is banned (suspended).',
    type: UserResponse,
  })
  async me(@CurrentUser() user: AuthUser): Promise<UserResponse> {
    return { user: await this.auth.me(user.id) };
  }
}
