import { createSecretKey, type KeyObject } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import {
  decodeProtectedHeader,
  errors,
  type JWSHeaderParameters,
  type FlattenedJWSInput,
  type JWTPayload,
  jwtVerify,
  type JWTVerifyOptions,
} from 'jose';
import { AppError } from '../../common/errors/app-error.js';
import { AppConfig } from '../../config/app-config.js';
import type { SsoJwksAlgorithm } from '../../config/env-auth.js';
import type { ErrorCodeWithStatus } from '../../common/errors/error-codes.js';
import { PublisherKeys, PublisherKeysUnavailable } from './publisher-keys.js';

/** The only algorithm a shared secret (SSO_SECRET) verifies. */
const SECRET_ALGORITHMS = ['HS256'] as const;

/** Claims every token must carry (jose checks presence; iss, aud, exp and iat are also checked for value). */
const REQUIRED_CLAIMS = ['sub', 'iss', 'aud', 'exp', 'iat'];

/** The publisher's key set is refreshed (in the background) once it is this old. */
const JWKS_CACHE_MAX_AGE_MS = 10 * 60_000;
/** After a failed read of the key set, no new read for this long (capped by SSO_JWKS_COOLDOWN_SECONDS). */
const JWKS_FAILURE_BACKOFF_MS = 5_000;

/** What a verified token says about the reader (see SsoAccountsService for what is done with it). */
export interface VerifiedSsoToken {
  issuer: string;
  /** The whole verified claims set; SsoAccountsService reads `sub`, `email`, `username`, `name` and the role claim. */
  claims: JWTPayload;
}

type Sso401 = ErrorCodeWithStatus<401>;

const reject = (code: Sso401, message: string, claim?: string) =>
  new AppError(code, message, claim ? [{ field: claim, message }] : undefined);

/**
 * Verifies a publisher-signed sign-in token (POST /api/auth/sso) with jose. Two key sources, each with its own
 * algorithm allow-list, chosen by the token's `alg` before anything else is read:
 *   - SSO_JWKS_URL: the publisher's published public keys (SSO_JWKS_ALGORITHMS, asymmetric only), fetched with a
 *     timeout and a 1 MB cap, refreshed in the background after 10 minutes (the cached keys keep verifying),
 *     re-read when a token names an unknown `kid` (at most once per SSO_JWKS_COOLDOWN_SECONDS, so random `kid`s
 *     cannot make us hammer the publisher), not re-read for 5 s after a failed read; when the publisher is
 *     unreachable the last key set that was read keeps verifying (stale-if-error) (publisher-keys.ts);
 *   - SSO_SECRET: a shared HS256 secret.
 * `none` is never allowed, and an HS token is only ever checked against SSO_SECRET, never against a published key
 * (the RS/HS confusion attack), so a token "signed" with the publisher's public key fails.
 * Then `iss` = SSO_ISSUER, `aud` contains SSO_AUDIENCE, `exp` and `iat` present, `nbf`/`exp` within
 * SSO_CLOCK_SKEW_SECONDS, `iat` not older than SSO_MAX_TOKEN_AGE_SECONDS. Every failure is its own 401 code.
 */
@Injectable()
export class SsoTokenVerifier {
  private readonly logger = new Logger(SsoTokenVerifier.name);
  private readonly secret?: KeyObject;
  private readonly jwks?: PublisherKeys;
  private readonly jwksAlgorithms: readonly SsoJwksAlgorithm[];
  private readonly options: JWTVerifyOptions;

  constructor(config: AppConfig) {
    const secret = config.get('SSO_SECRET');
    const url = config.get('SSO_JWKS_URL');
    if (secret) this.secret = createSecretKey(Buffer.from(secret, 'utf8'));
    this.jwksAlgorithms = url ? config.get('SSO_JWKS_ALGORITHMS') : [];
    if (url) {
      const cooldownMs = config.get('SSO_JWKS_COOLDOWN_SECONDS') * 1000;
      this.jwks = new PublisherKeys(
        new URL(url),
        {
          timeoutMs: config.get('SSO_JWKS_TIMEOUT_MS'),
          cooldownMs,
          maxAgeMs: JWKS_CACHE_MAX_AGE_MS,
          failureBackoffMs: Math.min(cooldownMs, JWKS_FAILURE_BACKOFF_MS),
        },
        (error, cachedKeys) => this.logger.warn({ msg: 'publisher key set unavailable', error, cachedKeys }),
      );
    }
    this.options = {
      issuer: config.get('SSO_ISSUER'),
      audience: config.get('SSO_AUDIENCE'),
      requiredClaims: REQUIRED_CLAIMS,
      clockTolerance: config.get('SSO_CLOCK_SKEW_SECONDS'),
      maxTokenAge: config.get('SSO_MAX_TOKEN_AGE_SECONDS'),
    };
  }

  /** SSO is on when at least one key source is configured (env.ts then requires SSO_ISSUER and SSO_AUDIENCE). */
  get enabled(): boolean {
    return this.secret !== undefined || this.jwks !== undefined;
  }

  async verify(token: string): Promise<VerifiedSsoToken> {
    if (!this.enabled) throw AppError.notFound('SSO_NOT_CONFIGURED', 'Sign-in with the publisher is not set up on this site');
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw reject('SSO_TOKEN_MALFORMED', 'The sign-in token is not a JWT');
    }
    try {
      const { payload } = await this.verifyWith(token, alg);
      return { issuer: this.options.issuer as string, claims: payload };
    } catch (err) {
      throw this.translate(err);
    }
  }

  private verifyWith(token: string, alg: unknown) {
    if (this.secret && (SECRET_ALGORITHMS as readonly unknown[]).includes(alg)) {
      return jwtVerify(token, this.secret, { ...this.options, algorithms: [...SECRET_ALGORITHMS] });
    }
    if (this.jwks && (this.jwksAlgorithms as readonly unknown[]).includes(alg)) {
      return jwtVerify(token, (header, input) => this.publishedKey(header, input), {
        ...this.options,
        algorithms: [...this.jwksAlgorithms],
      });
    }
    throw reject('SSO_ALG_NOT_ALLOWED', `The sign-in token's algorithm ${typeof alg === 'string' ? `"${alg}" ` : ''}is not allowed`);
  }

  /**
   * The published key for this token (PublisherKeys: size cap, negative caching, stale-while-revalidate). A key
   * set that cannot be read and no cached key that fits is 503 SSO_KEYS_UNAVAILABLE (the key may well exist).
   */
  private async publishedKey(header: JWSHeaderParameters, input: FlattenedJWSInput) {
    try {
      return await this.jwks!.getKey(header, input);
    } catch (err) {
      if (!(err instanceof PublisherKeysUnavailable)) throw err;
      throw new AppError('SSO_KEYS_UNAVAILABLE', "The publisher's signing keys cannot be fetched right now", undefined, {
        'retry-after': String(err.retryAfterSeconds),
      });
    }
  }

  /** jose's errors → one 401 code per reason (AppErrors pass through). */
  private translate(err: unknown): unknown {
    if (err instanceof AppError) return err;
    if (err instanceof errors.JWTExpired) {
      if (err.claim === 'iat') return reject('SSO_TOKEN_TOO_OLD', 'The sign-in token was issued too long ago; get a fresh one');
      return reject('SSO_TOKEN_EXPIRED', 'The sign-in token has expired');
    }
    if (err instanceof errors.JWTClaimValidationFailed) {
      if (err.reason === 'missing') return reject('SSO_MISSING_CLAIM', `The sign-in token has no "${err.claim}" claim`, err.claim);
      if (err.reason !== 'check_failed')
        return reject('SSO_TOKEN_MALFORMED', `The sign-in token's "${err.claim}" claim is not valid`, err.claim);
      switch (err.claim) {
        case 'iss':
          return reject('SSO_WRONG_ISSUER', 'The sign-in token was issued by someone else');
        case 'aud':
          return reject('SSO_WRONG_AUDIENCE', 'The sign-in token is meant for another service');
        case 'nbf':
        case 'iat':
          return reject('SSO_TOKEN_NOT_YET_VALID', 'The sign-in token is not valid yet');
        default:
          return reject('SSO_TOKEN_MALFORMED', `The sign-in token's "${err.claim}" claim is not valid`, err.claim);
      }
    }
    if (err instanceof errors.JOSEAlgNotAllowed) return reject('SSO_ALG_NOT_ALLOWED', "The sign-in token's algorithm is not allowed");
    if (err instanceof errors.JWSSignatureVerificationFailed)
      return reject('SSO_BAD_SIGNATURE', "The sign-in token's signature does not verify");
    if (err instanceof errors.JWKSNoMatchingKey) return reject('SSO_UNKNOWN_KEY', "No published key matches the sign-in token's key id");
    if (err instanceof errors.JWKSMultipleMatchingKeys)
      return reject('SSO_UNKNOWN_KEY', 'The sign-in token names no key id and several published keys could have signed it');
    // JWSInvalid, JWTInvalid (e.g. a claims set that is not JSON), JOSENotSupported (e.g. a `crit` header we do not know).
    if (err instanceof errors.JOSEError) return reject('SSO_TOKEN_MALFORMED', 'The sign-in token is not a valid JWT');
    // jose throws TypeErrors for keys it refuses to use (an RSA key under 2048 bits): the publisher's problem,
    // logged for the operator; the reader hears that the token cannot be verified.
    if (err instanceof TypeError) {
      this.logger.warn({ msg: 'publisher token could not be verified', error: err.message });
      return reject('SSO_TOKEN_MALFORMED', 'The sign-in token cannot be verified');
    }
    return err;
  }
}
