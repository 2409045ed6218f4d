import { createSecretKey } from 'node:crypto';
import { type FactoryProvider, Inject, Injectable } from '@nestjs/common';
import { Passport } from 'passport';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import { Strategy as LocalStrategy } from 'passport-local';
import { AppError } from '../common/errors/app-error.js';
import { AppConfig } from '../config/app-config.js';
import type { SelfUserView } from '../users/user.mapper.js';
import { AuthService } from './auth.service.js';
import { localAuthDisabled, passwordSignInAllowed } from './sign-in-methods.js';
import { SsoAccountsService } from './sso/sso-accounts.service.js';
import { SsoStrategy } from './sso/sso.strategy.js';
import { SsoTokenVerifier } from './sso/sso-token.verifier.js';

/**
 * Authentication is Passport: passport-jwt on every protected route (the global JwtAuthGuard), passport-local for
 * POST /api/auth/login, and our own "sso" strategy (sso/sso.strategy.ts) for POST /api/auth/sso.
 *
 * Each Nest application gets its own `new Passport()` instance from this provider, never passport's default
 * export: the default instance keeps strategies in a process-wide registry, so a second app booted in the same
 * process (the e2e tests do this) would replace the first app's strategies with ones bound to its own
 * PrismaService, and the first app would authenticate against the second's (possibly closed) database. That is
 * also why @nestjs/passport's PassportStrategy / AuthGuard are not used: they register on and authenticate with
 * the default instance.
 */
export const PASSPORT = Symbol('Passport');

export type StrategyName = 'jwt' | 'local' | 'sso';

type PassportInstance = InstanceType<typeof Passport>;

export const passportProvider: FactoryProvider<PassportInstance> = {
  provide: PASSPORT,
  inject: [AppConfig, AuthService, SsoTokenVerifier, SsoAccountsService],
  useFactory: (config: AppConfig, auth: AuthService, ssoTokens: SsoTokenVerifier, ssoAccounts: SsoAccountsService): PassportInstance => {
    const passport = new Passport();
    passport.use(
      'jwt',
      new JwtStrategy(
        {
          jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
          // A KeyObject built once: with a string, jsonwebtoken rebuilds the key on every verification (~5% of an
          // authenticated request's CPU in the bench). jsonwebtoken 9 accepts KeyObjects; @types/passport-jwt lags.
          secretOrKey: createSecretKey(Buffer.from(config.get('JWT_SECRET'), 'utf8')) as unknown as string,
          // Only HS256: `alg: none`, other HMAC sizes and RS/HS confusion all fail verification.
          algorithms: ['HS256'],
          // Requires `iat` and refuses a token issued longer ago than an access token lives (even if its `exp` says
          // otherwise); `exp` and `sub` are required by AuthService.userForAccessToken.
          jsonWebTokenOptions: { maxAge: config.get('JWT_ACCESS_TTL_SECONDS') },
          passReqToCallback: false,
        },
        (payload: unknown, done: (err: unknown, user?: unknown) => void) => {
          auth.userForAccessToken(payload).then((user) => done(null, user), done);
        },
      ),
    );
    passport.use(
      'local',
      new LocalStrategy(
        { usernameField: 'login', passwordField: 'password', session: false, passReqToCallback: true },
        (req, login, password, done) => {
          auth
            .validateCredentials(login, password, (req as { ip?: string }).ip)
            .then((user) => {
              // LOCAL_AUTH=staff: a reader's right password still does not open a session (they sign in with the publisher).
              if (user && !passwordSignInAllowed(config.get('LOCAL_AUTH'), user.role)) throw localAuthDisabled();
              return done(null, user ?? false);
            })
            .catch(done);
        },
      ),
    );
    passport.use(
      'sso',
      new SsoStrategy(
        ssoTokens,
        { roleClaim: config.get('SSO_ROLE_CLAIM'), trustRoles: config.get('SSO_TRUST_ROLES'), badgeClaim: config.get('SSO_BADGE_CLAIM') },
        (profile, password, clientAddress): Promise<SelfUserView> => ssoAccounts.signIn(profile, password, clientAddress),
      ),
    );
    return passport;
  },
};

/**
 * What a strategy's plain failure (no user, no error) means to the client. Errors from the verify callbacks
 * (AppErrors such as INVALID_TOKEN / LOCAL_AUTH_DISABLED, or database failures) pass through unchanged.
 */
const FAILURES: Record<StrategyName, (info: unknown) => AppError> = {
  // passport-jwt fails with `new Error('No auth token')` when there is no Bearer token, and with jsonwebtoken's
  // TokenExpiredError / JsonWebTokenError / NotBeforeError when the token does not verify.
  jwt: (info) => {
    if (info instanceof Error && info.name === 'TokenExpiredError')
      return AppError.unauthorized('TOKEN_EXPIRED', 'The access token has expired');
    if (info instanceof Error && info.message === 'No auth token') return unauthenticated();
    return AppError.unauthorized('INVALID_TOKEN', 'The access token is invalid');
  },
  // Wrong password, unknown or deleted account (or, if validation were bypassed, missing fields): one answer.
  local: () => AppError.unauthorized('INVALID_CREDENTIALS', 'Invalid login or password'),
  // The strategy fails with the AppError naming the reason (SsoTokenVerifier, readSsoProfile).
  sso: (info) => (info instanceof AppError ? info : new AppError('SSO_TOKEN_MALFORMED', 'The sign-in token is not valid')),
};

export const unauthenticated = () => AppError.unauthorized('UNAUTHENTICATED', 'Authentication required: send a Bearer access token');

/** Runs one of this application's Passport strategies on a request, as a promise. */
@Injectable()
export class PassportAuthenticator {
  constructor(@Inject(PASSPORT) private readonly passport: PassportInstance) {}

  /**
   * Resolves with the authenticated user. Rejects with the strategy's failure as an AppError (see FAILURES), or
   * with whatever error its verify callback reported. `res` is only needed by strategies that redirect.
   */
  authenticate<User>(name: StrategyName, req: object, res: object = {}): Promise<User> {
    return new Promise<User>((resolve, reject) => {
      // passport's typings declare the returned middleware as `any`.
      const middleware = this.passport.authenticate(
        name,
        { session: false },
        (err: unknown, user: User | false | undefined, info: unknown) => {
          if (err) reject(err);
          else if (user) resolve(user);
          else reject(FAILURES[name](info));
        },
      ) as (req: object, res: object, next: (err?: unknown) => void) => void;
      // `next` is only reached if the strategy neither succeeds nor fails (pass()) or is not registered.
      middleware(req, res, (err?: unknown) => reject(err ?? new Error(`passport strategy "${name}" did not decide`)));
    });
  }
}
