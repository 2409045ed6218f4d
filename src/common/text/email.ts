/** Normalised email, used for uniqueness, lookup and rate-limit keys (usernames: see users/username-rules.ts). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
