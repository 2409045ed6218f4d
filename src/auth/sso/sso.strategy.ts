import { Strategy } from 'passport-strategy';
import { AppError } from '../../common/errors/app-error.js';
import type { SelfUserView } from '../../users/user.mapper.js';
import { readSsoProfile, type SsoProfile, type SsoProfileOptions } from './sso-profile.js';
import type { SsoTokenVerifier } from './sso-token.verifier.js';

/** The request body the strategy reads (validated by the controller's DTO first). */
export interface SsoRequestBody {
  token?: unknown;
  password?: unknown;
}

export type SsoVerify = (profile: SsoProfile, password: string | undefined, clientAddress: string | undefined) => Promise<SelfUserView>;

/**
 * Passport strategy "sso": authenticates a request by the publisher-signed token in its body. A token that does
 * not verify, or whose claims are unusable, is a failure (401 with the reason's code, see SsoTokenVerifier); what
 * happens to the account (created, linked, refused because deleted…) is the verify callback's (SsoAccountsService),
 * and its errors pass through as they are.
 */
export class SsoStrategy extends Strategy {
  readonly name = 'sso';

  constructor(
    private readonly verifier: SsoTokenVerifier,
    private readonly profileOptions: SsoProfileOptions,
    private readonly verify: SsoVerify,
  ) {
    super();
  }

  override authenticate(req: { body?: unknown; ip?: string }): void {
    const body = (req.body ?? {}) as SsoRequestBody;
    const password = typeof body.password === 'string' ? body.password : undefined;
    const verified =
      typeof body.token === 'string'
        ? this.verifier.verify(body.token).then(({ issuer, claims }) => readSsoProfile(issuer, claims, this.profileOptions))
        : Promise.reject(new AppError('SSO_TOKEN_MALFORMED', 'Send the sign-in token as `token`'));
    void verified.then(
      (profile) =>
        this.verify(profile, password, req.ip).then(
          (user) => this.success(user),
          (err: unknown) => this.error(err as Error),
        ),
      // 401s are the token's failures; anything else (SSO not configured, the key set unreachable) is an error.
      (err: unknown) => (err instanceof AppError && err.status === 401 ? this.fail(err, 401) : this.error(err as Error)),
    );
  }
}
