import { z } from 'zod';
import { bool, commaList, PLACEHOLDER_SECRETS } from './env-helpers.js';

/** Configuration: access and refresh tokens, the bootstrap admin, usernames, password sign-in and the publisher's SSO. */

/** Algorithms a publisher may sign SSO tokens with from its published keys (SSO_JWKS_URL): asymmetric only. */
export const SSO_JWKS_ALGORITHM_CHOICES = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;
export type SsoJwksAlgorithm = (typeof SSO_JWKS_ALGORITHM_CHOICES)[number];

export const authFields = {
  JWT_SECRET: z.string().optional(),
  JWT_ACCESS_TTL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(900),
  JWT_REFRESH_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .default(30 * 86_400),
  // A session (refresh-token family) ends this long after its sign-in, however often it is refreshed.
  JWT_REFRESH_ABSOLUTE_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .default(90 * 86_400),
  ADMIN_EMAIL: z.string().email().optional(),
  ADMIN_PASSWORD: z
    .string()
    .min(10)
    .max(128)
    .refine((p) => [...p.replace(/\s+/gu, '')].length >= 10, 'must have at least 10 characters other than spaces')
    .optional(),
  ADMIN_USERNAME: z.string().min(3).max(32).default('admin'),
  // While no admin exists, each start prints a one-time link to /admin/setup that creates the first one; the code in
  // it works once, for this many minutes (docs/console.md).
  ADMIN_SETUP_CODE_TTL_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
  // Extra usernames only staff may hold (the site's name, its brands), added to the built-in admin/moderator/
  // support list (users/usernames.service.ts). Comma-separated.
  RESERVED_USERNAMES: commaList(),
  // Password sign-in: `true` for everyone, `staff` for moderators and admins only (readers sign in with the
  // publisher), `false` for nobody. Registration is open only with `true`.
  LOCAL_AUTH: z.enum(['true', 'false', 'staff']).default('true'),
  // Sign-in with the publisher's accounts (auth/sso): enabled when SSO_JWKS_URL and/or SSO_SECRET is set.
  SSO_JWKS_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  SSO_JWKS_ALGORITHMS: z
    .string()
    .default('RS256,ES256,EdDSA')
    .transform((v, ctx): SsoJwksAlgorithm[] => {
      const list = v
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean);
      const bad = list.filter((a) => !(SSO_JWKS_ALGORITHM_CHOICES as readonly string[]).includes(a));
      if (bad.length || !list.length) {
        ctx.addIssue({
          code: 'custom',
          message: `must be a comma-separated list of ${SSO_JWKS_ALGORITHM_CHOICES.join(', ')} (asymmetric only)`,
        });
        return z.NEVER;
      }
      return list as SsoJwksAlgorithm[];
    }),
  SSO_JWKS_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(3000),
  SSO_JWKS_COOLDOWN_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  SSO_SECRET: z.string().optional(),
  SSO_ISSUER: z.string().min(1).optional(),
  SSO_AUDIENCE: z.string().min(1).optional(),
  SSO_MAX_TOKEN_AGE_SECONDS: z.coerce.number().int().min(10).max(86_400).default(300),
  SSO_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  SSO_ROLE_CLAIM: z.string().min(1).optional(),
  // The claim that carries a reader's badge (staff, journalist: shown next to their name, not a permission); unset:
  // badges are set by admins only.
  SSO_BADGE_CLAIM: z.string().min(1).optional(),
  // The publisher's page the moderation console opens in a popup to sign staff in with their accounts: it posts the
  // publisher's token back to the console (window.opener.postMessage, docs/console.md). Unset: no SSO button.
  SSO_LOGIN_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .max(2000)
    .optional(),
  SSO_TRUST_ROLES: bool.default(false),
  // argon2id runs (19 MiB each) allowed at once; more sign-ins wait in a queue. About the number of cores.
  PASSWORD_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
};

/**
 * SSO settings that only make sense together. The publisher's tokens are trusted only with both an issuer and an
 * audience to check; a shared secret must be strong and must not be this service's own signing key (the
 * publisher could then mint our access tokens); published keys travel over TLS in production.
 */
export function ssoIssues(
  env: {
    NODE_ENV: string;
    LOCAL_AUTH: string;
    SSO_JWKS_URL?: string;
    SSO_SECRET?: string;
    SSO_ISSUER?: string;
    SSO_AUDIENCE?: string;
    SSO_ROLE_CLAIM?: string;
    SSO_BADGE_CLAIM?: string;
    SSO_TRUST_ROLES: boolean;
    SSO_LOGIN_URL?: string;
  },
  jwtSecret: string,
): [string, string][] {
  const issues: [string, string][] = [];
  const enabled = env.SSO_JWKS_URL !== undefined || env.SSO_SECRET !== undefined;
  if (enabled) {
    if (!env.SSO_ISSUER)
      issues.push(['SSO_ISSUER', 'SSO_ISSUER is required with SSO_JWKS_URL or SSO_SECRET (the `iss` every token must carry)']);
    if (!env.SSO_AUDIENCE)
      issues.push(['SSO_AUDIENCE', 'SSO_AUDIENCE is required with SSO_JWKS_URL or SSO_SECRET (the `aud` every token must carry)']);
  } else if (env.SSO_ISSUER || env.SSO_AUDIENCE) {
    issues.push(['SSO_JWKS_URL', "set SSO_JWKS_URL and/or SSO_SECRET: the keys that verify the publisher's tokens"]);
  }
  if (env.SSO_SECRET !== undefined) {
    if (env.SSO_SECRET.length < 32 || PLACEHOLDER_SECRETS.has(env.SSO_SECRET))
      issues.push(['SSO_SECRET', 'SSO_SECRET must be a random value of at least 32 characters']);
    else if (env.SSO_SECRET === jwtSecret)
      issues.push(['SSO_SECRET', "SSO_SECRET must differ from JWT_SECRET (the publisher must not be able to sign this service's tokens)"]);
  }
  if (env.SSO_JWKS_URL?.startsWith('http:') && env.NODE_ENV === 'production')
    issues.push(['SSO_JWKS_URL', 'SSO_JWKS_URL must be https in production']);
  if (env.SSO_TRUST_ROLES && !env.SSO_ROLE_CLAIM)
    issues.push(['SSO_ROLE_CLAIM', 'SSO_TRUST_ROLES=true needs SSO_ROLE_CLAIM (the claim that carries the role)']);
  if (env.SSO_LOGIN_URL && !enabled)
    issues.push(['SSO_LOGIN_URL', 'SSO_LOGIN_URL needs SSO (SSO_JWKS_URL or SSO_SECRET) to verify the token its page returns']);
  if (env.LOCAL_AUTH === 'false' && !enabled)
    issues.push(['LOCAL_AUTH', 'LOCAL_AUTH=false needs SSO (SSO_JWKS_URL or SSO_SECRET): otherwise nobody can sign in']);
  return issues;
}
