import { normalizeUsername as fold } from '../users/user.mapper.js';

/**
 * Account rules shared by registration (DTO) and the first-admin bootstrap, so both accept the same accounts.
 */

/** 3-32 Latin or Cyrillic letters, ASCII digits, `_` or `-`; checked after NFKC (no fullwidth look-alikes). */
export const USERNAME_PATTERN = /^(?:(?=\p{L})[\p{Script=Latin}\p{Script=Cyrillic}]|[0-9_-]){3,32}$/u;
export const USERNAME_RULE = 'username must be 3-32 characters: Latin or Cyrillic letters, digits, _ or -';

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;

/** Display form of a username: trimmed and NFKC-normalised, so what is stored is what was validated. */
export function canonicalUsername(username: string): string {
  return username.trim().normalize('NFKC');
}


/** A password equal to the email or the username (ignoring case) is the first thing an attacker tries. */
export function passwordEqualsIdentity(password: string, email: unknown, username: unknown): boolean {
  const p = fold(password);
  return (typeof email === 'string' && p === fold(email)) || (typeof username === 'string' && p === fold(username));
}
