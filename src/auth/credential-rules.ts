import { normalizeUsername as fold } from '../users/username-rules.js';

/**
 * Password rules shared by registration (DTO) and the first-admin bootstrap, so both accept the same accounts.
 * Username rules live in users/username-rules.ts.
 */

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;

/** A password equal to the email or the username (ignoring case) is the first thing an attacker tries. */
export function passwordEqualsIdentity(password: string, email: unknown, username: unknown): boolean {
  const p = fold(password);
  return (typeof email === 'string' && p === fold(email)) || (typeof username === 'string' && p === fold(username));
}
