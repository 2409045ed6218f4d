import { normalizeUsername as fold } from '../users/username-rules.js';

/**
 * Password rules shared by registration (DTO) and the first-admin bootstrap, so both accept the same accounts.
 * Username rules live in users/username-rules.ts.
 */

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;

/** Characters that count towards PASSWORD_MIN: all but spaces ("          " is not a password of 10). */
export function passwordStrengthLength(password: string): number {
  return [...password.replace(/\s+/gu, '')].length;
}

export const PASSWORD_TOO_BLANK = `password must have at least ${PASSWORD_MIN} characters other than spaces`;

/** A password equal to the email or the username (ignoring case) is the first thing an attacker tries. */
export function passwordEqualsIdentity(password: string, email: unknown, username: unknown): boolean {
  const p = fold(password);
  return (typeof email === 'string' && p === fold(email)) || (typeof username === 'string' && p === fold(username));
}
