import { TriageModule } from '../triage/triage.module.js';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { RateLimitGuard } from '../common/rate-limit/rate-limit.guard.js';
import { AppConfig } from '../config/app-config.js';
import { UsersModule } from '../users/users.module.js';
import { AuthController } from './auth.controller.js';
import { AuthBootstrap } from './auth.bootstrap.js';
import { AuthService } from './auth.service.js';
import { JwtAuthGuard, RolesGuard } from './guards.js';
import { PassportAuthenticator, passportProvider } from './passport.js';
import { PasswordService } from './password.service.js';
import { SignInMethodGuard } from './sign-in-methods.js';
import { SsoAccountsService } from './sso/sso-accounts.service.js';
import { SsoController } from './sso/sso.controller.js';
import { SsoTokenVerifier } from './sso/sso-token.verifier.js';

@Module({
  imports: [
    TriageModule,
    UsersModule,
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        secret: config.get('JWT_SECRET'),
        // Signing only: access tokens are verified by this app's passport-jwt strategy (passport.ts), HS256 only.
        signOptions: { algorithm: 'HS256', expiresIn: config.get('JWT_ACCESS_TTL_SECONDS') },
      }),
    }),
  ],
  controllers: [AuthController, SsoController],
  providers: [
    AuthService,
    AuthBootstrap,
    PasswordService,
    SsoTokenVerifier,
    SsoAccountsService,
    SignInMethodGuard,
    // This application's own Passport instance with its 'jwt' and 'local' strategies (not passport's global one).
    passportProvider,
    PassportAuthenticator,
    // Global guards run in the order registered here: authenticate, then roles, then rate limits (which need
    // the user for `per: 'user'`, and should not spend a caller's budget on requests refused for their role).
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
    { provide: APP_GUARD, useClass: RateLimitGuard },
  ],
  exports: [AuthService, PasswordService, SsoTokenVerifier],
})
export class AuthModule {}
