/**
 * Normalised email, used for uniqueness, lookup and rate-limit keys (usernames: see users/username-rules.ts):
 * NFKC first, so full-width and other compatibility forms (`ｉｖａｎ＠ｅｘａｍｐｌｅ.ｃｏｍ`) are the address they
 * look like and cannot open a second account, then trimmed and lower-cased.
 */
export function normalizeEmail(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}

const SCRIPTS = [/\p{Script=Latin}/u, /\p{Script=Cyrillic}/u, /\p{Script=Greek}/u];

/**
 * Whether a part of the address (the local part, or one label of the domain) mixes Latin, Cyrillic or Greek
 * letters: `ivаn@gmail.com` with a Cyrillic `а`, or `gmаil.com`. Real addresses are written in one script per part
 * (Unicode TR39's single-script rule, as for usernames); a mixed one only serves to look like another person's.
 */
export function emailMixesScripts(email: string): boolean {
  return normalizeEmail(email)
    .split(/[@.]/)
    .some((part) => SCRIPTS.filter((script) => script.test(part)).length > 1);
}
