import { isEmail } from 'class-validator';
import type { JWTPayload } from 'jose';
import { AppError } from '../../common/errors/app-error.js';
import { hasInvisibleCharacters, INVISIBLE_CHARACTERS } from '../../common/text/invisible.js';
import type { Role } from '../../generated/prisma/enums.js';
import { normalizeEmail } from '../../common/text/email.js';

/** What this service takes from a verified publisher token (see SsoAccountsService for what it does with it). */
export interface SsoProfile {
  issuer: string;
  /** The publisher's user id (`sub`): with the issuer, the identity an account is linked to. */
  subject: string;
  /** Normalised; absent when the token has none or says `email_verified: false`. */
  email?: string;
  /**
   * The token said `email_verified: true`: the publisher checked the address, so it needs no confirmation link here
   * (the account's `emailVerifiedAt`). Absent or any other value: the reader confirms it by mail before any is sent.
   */
  emailVerified: boolean;
  /** Seed for the username on first sight: `username` (or OIDC `preferred_username`). */
  preferredUsername?: string;
  /** `name`, cleaned for display. */
  displayName?: string;
  /** Only when SSO_TRUST_ROLES=true and the token carries SSO_ROLE_CLAIM. */
  role?: Role;
  /** Only with SSO_BADGE_CLAIM: the badge the publisher gives the reader (null: the claim is absent or null). */
  badge?: string | null;
}

export interface SsoProfileOptions {
  roleClaim?: string;
  trustRoles: boolean;
  badgeClaim?: string;
}

const SUBJECT_MAX = 255;
const DISPLAY_NAME_MAX = 100;
const USERNAME_SEED_MAX = 200;

const malformed = (claim: string, message: string) =>
  new AppError('SSO_TOKEN_MALFORMED', `The sign-in token's "${claim}" claim ${message}`, [{ field: claim, message }]);

/**
 * Reads the reader's profile from a verified token's claims. A claim of the wrong type is the publisher's bug and
 * is refused loudly (401 SSO_TOKEN_MALFORMED naming the claim) rather than half-used. Roles are read only when the
 * issuer is trusted for them; otherwise the role claim is ignored entirely, whatever it says.
 */
export function readSsoProfile(issuer: string, claims: JWTPayload, opts: SsoProfileOptions): SsoProfile {
  const { sub } = claims;
  if (typeof sub !== 'string' || !sub.trim() || sub.length > SUBJECT_MAX || hasInvisibleCharacters(sub)) {
    throw malformed('sub', `must be a non-empty string of at most ${SUBJECT_MAX} visible characters`);
  }
  const profile: SsoProfile = { issuer, subject: sub, emailVerified: false };

  const email = optionalString(claims, 'email', 254)?.trim();
  if (email !== undefined) {
    if (hasInvisibleCharacters(email) || !isEmail(email)) throw malformed('email', 'must be an email address');
    // A publisher that says the address is unverified does not get it attached to an account here.
    if (claims.email_verified !== false) profile.email = normalizeEmail(email);
    profile.emailVerified = claims.email_verified === true;
  }

  profile.preferredUsername =
    optionalString(claims, 'username', USERNAME_SEED_MAX) ?? optionalString(claims, 'preferred_username', USERNAME_SEED_MAX);
  const name = optionalString(claims, 'name', 1000);
  if (name !== undefined) profile.displayName = cleanDisplayName(name);

  if (opts.trustRoles && opts.roleClaim && claims[opts.roleClaim] !== undefined)
    profile.role = roleFromClaim(opts.roleClaim, claims[opts.roleClaim]);
  if (opts.badgeClaim) {
    // The publisher keeps the badge in step: no claim (or null) takes it away.
    const badge = claims[opts.badgeClaim] ?? null;
    if (badge !== null && (typeof badge !== 'string' || !/^[a-z][a-z0-9_-]{0,31}$/.test(badge)))
      throw malformed(opts.badgeClaim, "must be a badge: lowercase letters, digits, '_' or '-', up to 32");
    profile.badge = badge;
  }
  return profile;
}

function optionalString(claims: JWTPayload, claim: string, max: number): string | undefined {
  const value = claims[claim];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > max) throw malformed(claim, `must be a string of at most ${max} characters`);
  return value;
}

/** Free text for display: invisible and control characters dropped (no bidi tricks), spaces collapsed, ≤ 100 characters. */
export function cleanDisplayName(name: string): string | undefined {
  const clean = [
    ...name
      .normalize('NFC')
      .replace(INVISIBLE_CHARACTERS, '')
      .replace(/[\p{Cc}\s]+/gu, ' ')
      .trim(),
  ]
    .slice(0, DISPLAY_NAME_MAX)
    .join('')
    .trim();
  return clean || undefined;
}

/**
 * The role claim is a string or an array of strings. `admin` → admin, `moderator` → moderator (case-insensitive;
 * the highest wins); any other value (`subscriber`, an empty list) → reader: a trusted issuer's claim is
 * authoritative, so a missing staff value demotes.
 */
export function roleFromClaim(claim: string, value: unknown): Role {
  const values = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(values) || values.some((v) => typeof v !== 'string'))
    throw malformed(claim, 'must be a string or an array of strings');
  const lower = new Set((values as string[]).map((v) => v.trim().toLowerCase()));
  if (lower.has('admin')) return 'admin';
  if (lower.has('moderator')) return 'moderator';
  return 'reader';
}
